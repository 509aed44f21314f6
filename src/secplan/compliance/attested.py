"""Turning signed attestations into probe results, shared by the PS-1, PS-5 and PS-6 probes."""

from __future__ import annotations

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, positive
from secplan.compliance.evidence import COMPLIANCE_RECORDS
from secplan.vocabulary import Severity


def attestation_results(ev: Evidence, control: str, what: str) -> Iterator[Result]:
    """A current, valid attestation is evidence; an invalid signature is a critical finding; expired
    ones are findings unless a newer current one replaces them; none at all needs a person."""
    rows = [a for a in ev.get(COMPLIANCE_RECORDS).attestations if a["control"] == control]
    if not rows:
        yield no_evidence(f"no attestation of {what}: record one with `secplan attest {control} "
                          "--statement ... --evidence ... --expires ...`")
        return
    current = [a for a in rows if a["state"] == "current"]
    for a in rows:
        key = f"attestation:{a['id']}"
        if a["state"] == "invalid":
            yield negative(f"attestation #{a['id']} of {what} fails verification: {a['problem']}", key=key,
                           severity=Severity.CRITICAL)
        elif a["state"] == "current":
            yield positive(f"attestation #{a['id']} by {a['attester']} of {what}, valid until {a['expires']}",
                           key=key)
        elif not current:
            yield negative(f"attestation #{a['id']} of {what} expired on {a['expires']}", key=key)
