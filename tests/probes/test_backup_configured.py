from secplan.vocabulary import Outcome

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
