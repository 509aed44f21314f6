from secplan.vocabulary import Outcome

from .helpers import collector_installed, make_project, outcomes, run_probe

ID = "sharing-governed"


def test_shared_data_without_share_records_needs_evidence(project_dir):
    make_project(project_dir, {"d.csv": "a\n"}, assets=[{"path": "d.csv", "uses": ["shared"]}])
    results = run_probe(ID, project_dir)
    # With the share engine installed its own probes judge the records; this one then stays silent.
    assert outcomes(results) == ([] if collector_installed("shares") else [Outcome.NO_EVIDENCE])


def test_nothing_shared(project_dir):
    make_project(project_dir, {"d.csv": "a\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]
