"""The ``evaluations`` evidence: what the evaluation engine recorded for each registered model version.

Kept free of the evaluation engine's dependencies so that probes can declare it either way; the
engine's ``collect`` module registers the collector that fills it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from secplan.assess.interface import EvidenceKey


@dataclass(frozen=True)
class SuiteResult:
    """One suite of one evaluation (``robustness``, ``fairness``, ``explainability``, ``performance``...)."""

    name: str
    """The suite's name as ``secplan model evaluate --suite`` spells it."""
    passed: bool
    """Every threshold the plan sets for this suite is met."""
    metrics: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    """One evaluation run of one registered model version, bound to the digest it evaluated."""

    model: str
    version: str
    digest: str
    """The registered version's digest: an evaluation of other bytes is not evidence for this version."""
    suites: tuple[SuiteResult, ...]
    created_at: dt.datetime

    @property
    def ref(self) -> str:
        return f"{self.model}@{self.version}"

    def suite(self, name: str) -> SuiteResult | None:
        return next((s for s in self.suites if s.name == name), None)


@dataclass(frozen=True)
class Evaluations:
    evaluations: tuple[Evaluation, ...] = ()

    def latest(self) -> list[Evaluation]:
        """The newest evaluation of each model version, in ``ref`` order."""
        newest: dict[str, Evaluation] = {}
        for e in self.evaluations:
            if e.ref not in newest or e.created_at > newest[e.ref].created_at:
                newest[e.ref] = e
        return [newest[ref] for ref in sorted(newest)]

    def latest_with(self, suite: str) -> list[tuple[Evaluation, SuiteResult]]:
        """The newest evaluation of each version that ran ``suite``, with that suite's result."""
        return [(e, result) for e in self.latest() if (result := e.suite(suite)) is not None]


EVALUATIONS: EvidenceKey[Evaluations] = EvidenceKey(
    "evaluations", Evaluations, "recorded model evaluations (`secplan model evaluate`)")
