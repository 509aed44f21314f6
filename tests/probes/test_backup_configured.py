import pytest

from secplan.data.backup.evidence import BACKUPS, BackupEvidence
from secplan.vocabulary import Outcome

from .cases import NA, NE, Case, N
from .helpers import make_project, outcomes, run_probe

ID = "backup-configured"


def test_no_repository_is_negative(project_dir):
    make_project(project_dir, {"d.csv": "a\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NEGATIVE]


def test_declared_repository_is_not_a_pass_by_itself(project_dir):
    make_project(project_dir, {"d.csv": "a\n"}, policy={"backup": {"repository": "/srv/backups"}})
    assert Outcome.POSITIVE not in outcomes(run_probe(ID, project_dir))


def test_nothing_to_back_up(project_dir):
    make_project(project_dir, {"x.py": "pass\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


REPO = {"policy": {"backup": {"repository": "/srv/backups"}}}

CASES = [
    # No positive on purpose: a declared repository is not a backup; backup-recent and restore-drill-recent
    # judge the recorded runs, so with the backup engine's records this probe has nothing to add.
    Case(ID, "repository declared, backup records judged elsewhere", (), files={"d.csv": "a\n"}, plan=REPO,
         evidence={BACKUPS: BackupEvidence("/srv/backups", ())}),
    Case(ID, "repository declared, no backup engine", (NE,), files={"d.csv": "a\n"}, plan=REPO),
    Case(ID, "no repository", (N,), files={"d.csv": "a\n"}, says=("no backup repository is declared",)),
    Case(ID, "nothing to back up", (NA,), files={"x.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
