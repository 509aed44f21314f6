"""A restore drill succeeded within the plan's drill interval (DS-5)."""

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
    limit = ev.plan.policy.backup.drill_every_days
    plan = Location("secplan.yaml")
    last, good = backups.last("drill"), backups.last_success("drill")
    if last is None:
        yield negative("no restore drill is recorded (run `secplan backup drill`)", plan, key="never")
        return
    if last.outcome != "success":
        problems = "; ".join(last.details.get("problems") or [last.details.get("error", "failed")])
        yield negative(f"the last restore drill ({last.started:%Y-%m-%d}) failed: {problems}", plan, key="failed")
        return
    assert good is not None
    age = (ev.today - good.started.date()).days
    if age > limit:
        yield negative(f"the last successful restore drill was {age} days ago ({good.started:%Y-%m-%d}); "
                       f"the plan asks for one every {limit} days", plan, key="stale")
    else:
        yield positive(f"restore drill of {good.snapshot} on {good.started:%Y-%m-%d}: "
                       f"{good.details.get('compared')} files restored and matched by SHA-256", plan)
