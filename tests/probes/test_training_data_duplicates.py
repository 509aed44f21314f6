import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "training-data-duplicates"


def test_duplicates_over_threshold_are_negative(project_dir):
    rows = "".join(f"{i},{i * 2}\n" for i in range(95)) + "1,2\n" * 5
    clean = "".join(f"{i},{i * 3}\n" for i in range(100))
    make_project(project_dir, {"dup.csv": "a,b\n" + rows, "clean.csv": "a,b\n" + clean})
    results = run_probe(ID, project_dir)
    bad = negatives(results)
    assert [r.location.path for r in bad] == ["dup.csv"]
    assert bad[0].details == {"rows": 100, "duplicates": 5}
    assert [r.location.path for r in results if r.outcome == Outcome.POSITIVE] == ["clean.csv"]


def test_only_declared_training_data_is_checked(project_dir):
    make_project(project_dir, {"train.csv": "a\n1\n2\n", "other.csv": "a\n1\n1\n1\n"},
                 assets=[{"path": "train.csv", "uses": ["training"]}])
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.POSITIVE]


def test_unreadable_data_is_a_finding_not_a_crash(project_dir):
    make_project(project_dir, {"bad.parquet": b"PAR1 this is not parquet"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NEGATIVE]


TRAINING = {"assets": [{"path": "train.csv", "uses": ["training"]}]}
UNIQUE = "a,b\n" + "".join(f"{n},{n * 2}\n" for n in range(200))

CASES = [
    Case(ID, "one duplicate row in 201", (P,), files={"train.csv": UNIQUE + "0,0\n"}, plan=TRAINING,
         says=("1 duplicate rows of 201",)),
    Case(ID, "a tenth of the rows repeated", (N,), files={"train.csv": UNIQUE + "1,2\n" * 20}, plan=TRAINING,
         says=("20 of 220 rows are exact duplicates (9.1%)",)),
    Case(ID, "no datasets", (NA,), files={"a.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
