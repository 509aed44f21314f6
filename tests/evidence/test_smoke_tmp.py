import json
from secplan.evidence import export, verify_file


def test_smoke(history, project_dir):
    out = project_dir / "b.zip"
    summary = export(history, "fraud@1", out)
    print(json.dumps(summary, indent=1))
    report = verify_file(out)
    print(json.dumps(report.to_json(), indent=1))
    assert report.ok
