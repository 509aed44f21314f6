import pytest

from secplan.model.registry.evidence import MODEL_REGISTRY
from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import collector_installed, make_project, negatives, outcomes, run_probe
from .registryhelpers import registry

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


CASES = [
    Case(ID, "digest manifest beside the artifact", (P,), files={"m/a.onnx": b"\x08\x07", "m/a.onnx.sha256": "abc\n"},
         says=("a digest manifest or signature is kept with the artifact",)),
    Case(ID, "no manifest, no registry", (N,), files={"n/b.onnx": b"\x08\x07"},
         says=("model artifact has no recorded digest, lineage or signature",)),
    # With the registry's evidence, model-registered-signed judges each artifact instead.
    Case(ID, "the registry judges instead", (), files={"n/b.onnx": b"\x08\x07"},
         evidence={MODEL_REGISTRY: registry()}),
    Case(ID, "no models", (NA,), files={"x.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
