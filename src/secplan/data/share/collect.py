"""Feed the assessment (DS-8): the shares the project recorded."""

from __future__ import annotations

from secplan.assess.evidence import Evidence, collector
from secplan.data.share.evidence import SHARES, SharesEvidence
from secplan.data.share.service import list_shares


@collector(SHARES)
def collect_shares(ev: Evidence) -> SharesEvidence:
    if not ev.has_store:
        return SharesEvidence()
    return SharesEvidence(tuple(list_shares(ev.root, ev.store)))
