"""The last verified backup is within the plan's maximum age (DS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, positive
from secplan.data.backup.collect import nothing_to_judge
from secplan.data.backup.evidence import BACKUPS

NEEDS = (BACKUPS,)


def run(ev: Evidence) -> Iterator[Result]:
    skip = nothing_to_judge(ev)
    if skip is not None:
        yield skip
        return
    backups = ev.get(BACKUPS)
    limit = ev.plan.policy.backup.max_age_days
    plan = Location("secplan.yaml")
    last = backups.last("verify")
    if last is None:
        yield negative("no verified backup is recorded (run `secplan backup create` and `secplan backup verify`)",
                       plan, key="never-verified")
        return
    if last.outcome != "success":
        yield negative(f"the last verification ({last.started:%Y-%m-%d}) failed: "
                       f"{last.details.get('errors') or 'no snapshot'}", plan, key="verify-failed")
        return
    taken = last.snapshot_time
    if taken is None:
        yield negative("the last verification recorded no snapshot time", plan, key="verify-no-snapshot")
        return
    age = (ev.today - taken.date()).days
    if age > limit:
        yield negative(f"the newest verified backup ({last.snapshot}, {taken:%Y-%m-%d}) is {age} days old; "
                       f"the plan allows {limit}", plan, key="stale")
    else:
        yield positive(f"backup {last.snapshot} of {taken:%Y-%m-%d} verified by reading all data on "
                       f"{last.started:%Y-%m-%d} ({age} days old, limit {limit})", plan)
