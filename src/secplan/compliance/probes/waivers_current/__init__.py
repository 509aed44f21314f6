"""Exceptions are time-limited and current (CS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive

NEEDS = ()


def run(ev: Evidence) -> Iterator[Result]:
    waivers = ev.plan.waivers
    if not waivers:
        yield not_applicable("the plan has no waivers")
        return
    for waiver in waivers:
        where = Location("secplan.yaml", member=f"waivers[{waiver.target}]")
        if waiver.is_expired(ev.today):
            yield negative(f"waiver for {waiver.target} expired on {waiver.expires} (approved by {waiver.approver})",
                           where, key=f"{waiver.target}|{waiver.expires}")
        else:
            yield positive(f"waiver for {waiver.target} is current until {waiver.expires}", where)
