"""Nothing is kept past its retention period; deletions are evidenced (CS-3)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.compliance.retention.evidence import RETENTION

NEEDS = (RETENTION,)


def run(ev: Evidence) -> Iterator[Result]:
    retention = ev.get(RETENTION)
    sched = retention.schedule
    if not sched.due and not sched.within:
        yield not_applicable("no file of a declared asset has a retention period")
        return
    for due in sched.due:
        yield negative(f"kept {due.age_days} days, {due.overdue_days} past its retention of {due.retention_days} "
                       f"days ({due.basis}); not deleted", Location(due.path), key=f"overdue|{due.path}")
    if not sched.due:
        yield positive(f"{sched.within} file(s) within retention; the ledger evidences {retention.deletions} "
                       f"deletion(s) and {retention.shreds} crypto-shred(s)")
