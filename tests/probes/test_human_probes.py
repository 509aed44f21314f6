from secplan.vocabulary import Outcome

from .helpers import make_project, negatives, outcomes, run_probe


def test_incident_response_document(project_dir):
    make_project(project_dir, {"docs/SECURITY.md": "Report an incident to sec@example.com\n"})
    assert outcomes(run_probe("incident-response-document", project_dir)) == [Outcome.POSITIVE]


def test_missing_incident_response_document(project_dir):
    make_project(project_dir, {"SECURITY.md": "todo\n", "notes/incident-response.md": "incident\n"})
    assert outcomes(run_probe("incident-response-document", project_dir)) == [Outcome.NEGATIVE]


def test_asset_owners(project_dir):
    make_project(project_dir, {"a.csv": "x\n", "b.csv": "x\n", "m.onnx": b"\x08"},
                 assets=[{"path": "a.csv", "owner": "ann"}, {"path": "m.onnx"}])
    results = run_probe("asset-owners", project_dir)
    assert [r.location.path for r in negatives(results)] == ["b.csv"]


def test_no_project_owner(project_dir):
    make_project(project_dir, {"a.csv": "x\n"}, project={"owners": []},
                 assets=[{"path": "a.csv"}])
    assert sorted(r.location.path for r in negatives(run_probe("asset-owners", project_dir))) == ["a.csv", "secplan.yaml"]


def test_on_call(project_dir):
    make_project(project_dir, {}, project={"on_call": "oncall@example.com"})
    assert outcomes(run_probe("on-call-named", project_dir)) == [Outcome.POSITIVE]
    make_project(project_dir, {})
    assert outcomes(run_probe("on-call-named", project_dir)) == [Outcome.NEGATIVE]
