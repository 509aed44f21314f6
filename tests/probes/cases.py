"""Table-driven probe tests: each probe's test module lists its cases, each with its own test data.

As in OpenSSF Scorecard's probe folders, a case is the evidence a probe is given (project files, the
plan, engine evidence built as the engine's own dataclasses, never by running the engine) and the
outcomes it must return. ``tests/probes/test_<probe_name>.py`` holds ``CASES`` and a ``test_case``
that checks them; ``test_every_probe.py`` fails when a registered probe has no module, or no case
where it passes and one where it fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from secplan.assess.evidence import Evidence
from secplan.assess.interface import EvidenceKey, EvidenceUnavailable, Result
from secplan.assess.pipeline import run_probe
from secplan.assess.registry import all_probes
from secplan.plan.loader import parse_plan
from secplan.vocabulary import Outcome

from .helpers import make_project

if TYPE_CHECKING:
    from secplan.store.db import Store

T = TypeVar("T")

#: The project id of every case's plan (``secplan init`` writes one; records in a store are keyed by it).
PROJECT_ID = "6f1c2b9e-0c3d-4a57-9e21-3b8d5a7c4e10"

#: The day every case is judged on, unless it says otherwise (so that dates in test data stay fixed).
TODAY = dt.date(2026, 12, 1)

P, N, NE, NA, E = Outcome.POSITIVE, Outcome.NEGATIVE, Outcome.NO_EVIDENCE, Outcome.NOT_APPLICABLE, Outcome.ERROR


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


class CaseEvidence(Evidence):
    """Evidence made of a case's data only: engine evidence the case does not hand in is unavailable,
    as when no engine is installed, so that no collector (no engine) runs under a probe's unit test."""

    def provides(self, key: EvidenceKey[Any]) -> bool:
        return key.name in self._cache

    def get(self, key: EvidenceKey[T]) -> T:
        if key.name not in self._cache:
            raise EvidenceUnavailable(key)
        return super().get(key)


@dataclass(frozen=True)
class Case:
    """One input of one probe and the outcomes it must give, in order."""

    probe: str
    name: str
    expect: tuple[Outcome, ...]
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    """Project files, path -> content."""
    plan: Mapping[str, Any] = field(default_factory=dict)
    """Top-level plan entries (``assets``, ``policy``, ``project``...) over the base plan."""
    evidence: Mapping[EvidenceKey[Any], Any] = field(default_factory=dict)
    """Engine evidence handed in as its collector would return it (or a function of the project root
    returning it, for evidence that names paths inside the project)."""
    says: tuple[str, ...] = ()
    """Text that must appear in the results' messages (each piece in some message)."""
    today: dt.date = TODAY
    setup: Callable[..., None] | None = None
    """Called with the project root (and the store, for probes that read one) before the probe runs."""
    store: bool = False
    """The case runs on a real store (the ``store`` fixture: SQLite and PostgreSQL); without it the
    project has none."""

    def __str__(self) -> str:
        return self.name

    @property
    def passes(self) -> bool:
        """The probe finds the control met: positive evidence, no violation, nothing broken."""
        return Outcome.POSITIVE in self.expect and not {Outcome.NEGATIVE, Outcome.ERROR} & set(self.expect)

    @property
    def clean(self) -> bool:
        """Nothing wrong and nothing missing (the best a probe that never gives ``positive`` returns)."""
        return not {Outcome.NEGATIVE, Outcome.ERROR, Outcome.NO_EVIDENCE} & set(self.expect)

    @property
    def fails(self) -> bool:
        return Outcome.NEGATIVE in self.expect

    def run(self, root: Path, store: Store | None = None) -> list[Result]:
        """Build the project, run the probe as ``assess`` does (errors become ``error`` results)."""
        plan_entries = {**self.plan, "project": {"id": PROJECT_ID, **self.plan.get("project", {})}}
        make_project(root, dict(self.files), **plan_entries)
        if self.setup is not None:
            self.setup(root, store) if store is not None else self.setup(root)
        plan = parse_plan((root / "secplan.yaml").read_text(encoding="utf-8"))
        provided = {key: value if isinstance(value, key.type) or not callable(value) else value(root)
                    for key, value in self.evidence.items()}
        ev = CaseEvidence(root, plan, today=self.today, store=store, provided=provided)
        probe = next((p for p in all_probes() if p.id == self.probe), None)
        assert probe is not None, f"no registered probe {self.probe}"
        return run_probe(probe, ev)[0]

    def check(self, root: Path, store: Store | None = None) -> list[Result]:
        """Run the case and check its outcomes; ``store`` (the ``store`` fixture) only reaches cases that
        say they read one, so that a case without it sees a project with no store."""
        store = store if self.store else None
        results = self.run(root, store)
        got = [(r.outcome.value, r.message) for r in results]
        assert tuple(r.outcome for r in results) == self.expect, f"{self.probe} [{self.name}]: {got}"
        text = "\n".join(r.message for r in results)
        for piece in self.says:
            assert piece in text, f"{self.probe} [{self.name}]: {piece!r} not in {got}"
        return results
