import pytest

from secplan.filetypes import ENCRYPTED_MAGIC
from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, run_probe

ID = "pickle-model-artifact"


def test_pickles_by_content_and_name_are_negative(project_dir):
    make_project(project_dir, {
        "a.pkl": b"\x80\x04N.",
        "disguised.dat": b"\x80\x02}q\x00.",           # a pickle whatever its name says
        "b.pt": b"PK\x03\x04" + b"\x00" * 30,
        "c.safetensors": b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ",
        "d.gguf": b"GGUF\x03\x00\x00\x00",
        "e.pkl.enc": ENCRYPTED_MAGIC + b"\x00" * 16,
    })
    results = run_probe(ID, project_dir)
    assert sorted(r.location.path for r in negatives(results)) == ["a.pkl", "b.pt", "disguised.dat"]
    assert sorted(r.location.path for r in results if r.outcome == Outcome.POSITIVE) == [
        "c.safetensors", "d.gguf", "e.pkl.enc"]


CASES = [
    Case(ID, "safetensors", (P,), files={"m.safetensors": b"\x08\x00\x00\x00\x00\x00\x00\x00{}      "},
         says=("stored in a data-only format (.safetensors)",)),
    Case(ID, "encrypted pickle", (P,), files={"m.pkl.enc": ENCRYPTED_MAGIC + b"\x00" * 16},
         says=("encrypted at rest",)),
    Case(ID, "pickle by name", (N,), files={"m.pkl": b"\x80\x04N."},
         says=("pickle-based model artifact (.pkl) executes code when loaded",)),
    Case(ID, "pickle under another name", (N,), files={"weights.dat": b"\x80\x02}q\x00."}),
    Case(ID, "no models", (NA,), files={"a.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
