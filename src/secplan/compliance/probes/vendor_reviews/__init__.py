"""Every vendor reviewed within the plan's cadence (CS-6)."""

import datetime as dt
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, positive
from secplan.compliance.evidence import COMPLIANCE_RECORDS

NEEDS = (COMPLIANCE_RECORDS,)


def run(ev: Evidence) -> Iterator[Result]:
    vendors = ev.get(COMPLIANCE_RECORDS).vendors
    if not vendors:
        yield no_evidence("no vendors recorded: add them with `secplan vendors add` (or confirm there are none)")
        return
    cadence = ev.plan.policy.vendor_review_every_days
    for vendor in vendors:
        key = f"vendor:{vendor['name']}"
        if not vendor["last_review"]:
            yield negative(f"{vendor['name']} has never been reviewed", key=key)
            continue
        age = (ev.today - dt.date.fromisoformat(vendor["last_review"])).days
        if age > cadence:
            yield negative(f"{vendor['name']} last reviewed {age} days ago (cadence {cadence} days)", key=key)
        else:
            yield positive(f"{vendor['name']} reviewed {age} day(s) ago", key=key)
