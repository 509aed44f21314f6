import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "model-card-present"


def test_card_in_folder_or_readme_section(project_dir):
    make_project(project_dir, {"a/m.onnx": b"\x08", "a/MODEL_CARD.md": "# card\n",
                               "b/m.safetensors": b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ",
                               "b/README.md": "## Intended use\nscoring\n",
                               "c/m.pkl": b"\x80\x04N.", "c/README.md": "# weights\nNo model card yet; intended use: tbd\n"})
    results = run_probe(ID, project_dir)
    assert [r.location.path for r in negatives(results)] == ["c"]
    assert sorted(r.location.path for r in results if r.outcome == Outcome.POSITIVE) == ["a/MODEL_CARD.md",
                                                                                          "b/README.md"]


def test_no_models(project_dir):
    make_project(project_dir, {})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


CASES = [
    Case(ID, "card beside the model", (P,), files={"a/m.onnx": b"\x08", "a/MODEL_CARD.md": "# card\n"},
         says=("model card a/MODEL_CARD.md covers a",)),
    Case(ID, "README with an intended-use section", (P,),
         files={"b/m.onnx": b"\x08", "b/README.md": "## Intended use\nscoring\n"}),
    Case(ID, "no card", (N,), files={"c/m.onnx": b"\x08", "c/README.md": "# weights\n"},
         says=("no model card for the models in c",)),
    Case(ID, "no models", (NA,), files={"a.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
