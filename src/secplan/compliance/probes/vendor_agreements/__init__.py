"""Vendors that receive sensitive data have current agreements and certifications (CS-6)."""

import datetime as dt
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, positive
from secplan.compliance.evidence import COMPLIANCE_RECORDS
from secplan.vocabulary import Classification, Severity

NEEDS = (COMPLIANCE_RECORDS,)


def run(ev: Evidence) -> Iterator[Result]:
    vendors = ev.get(COMPLIANCE_RECORDS).vendors
    if not vendors:
        yield no_evidence("no vendors recorded: add them with `secplan vendors add` (or confirm there are none)")
        return
    for vendor in vendors:
        name, key = vendor["name"], f"vendor:{vendor['name']}"
        levels = [Classification(d["classification"]) for d in vendor["data"]]
        top = max(levels, key=lambda c: c.rank) if levels else None
        agreement = vendor["agreement"]
        expired = agreement["expires"] and dt.date.fromisoformat(agreement["expires"]) < ev.today
        ok = True
        if top is not None and top.at_least(Classification.CONFIDENTIAL):
            if not agreement["ref"]:
                ok = False
                yield negative(f"{name} receives {top.value} data without an agreement", key=key)
            elif expired:
                ok = False
                yield negative(f"{name} receives {top.value} data; agreement {agreement['ref']} expired "
                               f"{agreement['expires']}", key=key)
        for cert in vendor["certifications"]:
            if dt.date.fromisoformat(cert["expires"]) < ev.today:
                ok = False
                yield negative(f"{name}: certification {cert['name']} expired {cert['expires']}",
                               key=f"{key}:{cert['name']}", severity=Severity.MEDIUM)
        if ok:
            basis = f"agreement {agreement['ref']}" if agreement["ref"] else "no sensitive data shared"
            yield positive(f"{name}: {basis}; certifications current", key=key)
