"""The ``shares`` evidence: every share the project recorded (the DS-8 probes judge them)."""

from __future__ import annotations

from secplan.assess.evidence import Evidence, collector
from secplan.data.share.service import ShareView, list_shares


@collector("shares")
def collect_shares(ev: Evidence) -> list[ShareView]:
    if not ev.has_store:
        return []
    return list_shares(ev.root, ev.store)
