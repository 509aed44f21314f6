"""The audit trail exists and verifies (CS-4)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, positive
from secplan.vocabulary import Severity

NEEDS = ()


def run(ev: Evidence) -> Iterator[Result]:
    if not ev.has_store:
        yield no_evidence("the project has no secplan store yet, so no audit ledger")
        return
    from secplan.ledger import verify

    report = verify(ev.store)
    if not report.ok:
        yield negative(f"the audit ledger does not verify: {report.message}", severity=Severity.CRITICAL,
                       key="ledger-broken")
    elif report.entries == 0:
        yield no_evidence("the audit ledger is empty")
    else:
        yield positive(f"the audit ledger verifies: {report.entries} entries against a signed checkpoint")
