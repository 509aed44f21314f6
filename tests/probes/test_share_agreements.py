"""DS-8: every live share names an agreement and is within its expiry."""

import datetime as dt
from pathlib import Path

import pytest

from secplan.data.share.evidence import SHARES, SharesEvidence
from secplan.data.share.service import ShareView

from .cases import NA, NE, TODAY, Case, N, P, at


def share(sid: str, agreement: str | None = "DSA-7", expires: dt.date = TODAY + dt.timedelta(days=30),
          revoked: bool = False) -> ShareView:
    return ShareView(id=sid * 8, file="data/train.csv", sha256="0" * 64, size=10, recipient="age1partner" * 3,
                     agreement=agreement, expires=expires, sender="ana", signing_key="share@v1",
                     package="out/train.share", created=at(TODAY - dt.timedelta(days=5)),
                     revoked_at=at(TODAY) if revoked else None, revoke_reason="done" if revoked else None)


SHARED = {"assets": [{"path": "data/train.csv", "uses": ["shared"]}]}
FILES = {"data/train.csv": "a\n1\n"}

CASES = [
    Case("share-agreements", "under an agreement, not expired", (P,), files=FILES, plan=SHARED,
         evidence={SHARES: SharesEvidence((share("a"),))}, says=("under agreement DSA-7",)),
    Case("share-agreements", "no agreement", (N,), files=FILES, plan=SHARED,
         evidence={SHARES: SharesEvidence((share("b", agreement=None),))}, says=("names no data-sharing agreement",)),
    Case("share-agreements", "expired and not revoked", (N,), files=FILES, plan=SHARED,
         evidence={SHARES: SharesEvidence((share("c", expires=TODAY - dt.timedelta(days=1)),))},
         says=("expired on", "and is not revoked")),
    Case("share-agreements", "all revoked", (NA,), files=FILES, plan=SHARED,
         evidence={SHARES: SharesEvidence((share("d", agreement=None, revoked=True),))}),
    Case("share-agreements", "declared shared, nothing recorded", (NE,), files=FILES, plan=SHARED,
         evidence={SHARES: SharesEvidence()}),
    Case("share-agreements", "nothing shared", (NA,), files=FILES, evidence={SHARES: SharesEvidence()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
