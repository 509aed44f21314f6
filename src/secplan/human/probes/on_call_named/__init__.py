"""Alerts reach a named on-call owner (HS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, positive

NEEDS = ()


def run(ev: Evidence) -> Iterator[Result]:
    on_call = ev.plan.project.on_call
    if on_call:
        yield positive(f"on-call owner: {on_call}", Location("secplan.yaml"))
    else:
        yield negative("no on-call owner is named (project.on_call)", Location("secplan.yaml"), key="on-call")
