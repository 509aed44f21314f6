import pytest

from secplan.data.share.evidence import SHARES, SharesEvidence
from secplan.vocabulary import Outcome

from .cases import NA, NE, Case
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


SHARED = {"assets": [{"path": "d.csv", "uses": ["shared"]}]}

CASES = [
    # No positive and no negative on purpose: with share records, share-agreements judges each share.
    Case(ID, "shared with the share engine's records", (), files={"d.csv": "a\n"}, plan=SHARED,
         evidence={SHARES: SharesEvidence()}),
    Case(ID, "shared without share records", (NE,), files={"d.csv": "a\n"}, plan=SHARED,
         says=("1 asset(s) are shared (d.csv) but no share records exist",)),
    Case(ID, "nothing shared", (NA,), files={"d.csv": "a\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
