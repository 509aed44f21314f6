"""The ``evaluations`` evidence: what the evaluation engine recorded for each registered model version.

Kept free of the evaluation engine's dependencies so that probes can declare it either way; the
engine's ``collect`` module registers the collector that fills it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from secplan.assess.interface import EvidenceKey, Location


@dataclass(frozen=True)
class SuiteResult:
    """One suite of one evaluation (``robustness``, ``fairness``, ``explainability``, ``performance``...)."""

    name: str
    """The suite's name as ``secplan model evaluate --suite`` spells it."""
    passed: bool | None
    """Every threshold the plan sets for this suite is met (None: no threshold applies, e.g. explain)."""
    metrics: Mapping[str, float] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    """What a reader needs to see why: ``failed`` (broken thresholds), ``proxies``, ``top_features``."""


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
class VersionToJudge:
    """A registered version that needs a current evaluation: the newest of its model, or one a stage points at."""

    ref: str
    digest: str
    path: str = ""
    """The registered model path (project-relative), where findings point."""
    stages: tuple[str, ...] = ()
    sensitive_data: bool = False
    """Trained on a dataset classified confidential or restricted (personal data, usually)."""


@dataclass(frozen=True)
class Evaluations:
    evaluations: tuple[Evaluation, ...] = ()
    """Evaluations of each version's registered digest only; any other digest's never counts."""
    versions: tuple[VersionToJudge, ...] = ()

    def current(self, ref: str) -> Evaluation | None:
        """The newest evaluation of ``ref``."""
        return next((e for e in self.latest() if e.ref == ref), None)

    def current_suite(self, ref: str, suite: str) -> SuiteResult | None:
        """The newest result of ``suite`` for ``ref`` (evaluations that did not run it are skipped)."""
        runs = sorted((e for e in self.evaluations if e.ref == ref and e.suite(suite) is not None),
                      key=lambda e: e.created_at)
        return runs[-1].suite(suite) if runs else None

    def where(self, ref: str) -> Location:
        """Where a finding about ``ref`` points: its registered path, the ref as the member."""
        path = next((v.path for v in self.versions if v.ref == ref and v.path), ref)
        return Location(path, member=ref)

    def staged(self) -> list[VersionToJudge]:
        """Versions that ``staging`` or ``production`` point at."""
        return [v for v in self.versions if {"staging", "production"} & set(v.stages)]

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
