from secplan.vocabulary import Outcome

from .helpers import collector_installed, make_project, negatives, outcomes, run_probe

ID = "model-provenance-recorded"


def test_manifest_beside_model_counts_without_registry(project_dir):
    make_project(project_dir, {"m/a.onnx": b"\x08\x07", "m/a.onnx.sha256": "abc  a.onnx\n", "n/b.pkl": b"\x80\x04N."})
    results = run_probe(ID, project_dir)
    if collector_installed("model_registry"):
        assert results == []
        return
    assert [r.location.path for r in negatives(results)] == ["n/b.pkl"]
    assert [r.location.path for r in results if r.outcome == Outcome.POSITIVE] == ["m/a.onnx"]


def test_no_models(project_dir):
    make_project(project_dir, {"x.py": "pass\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]
