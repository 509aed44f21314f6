"""The one place probes are registered.

Each probe is a package ``<pillar>/probes/<probe_name>/`` holding ``def.yml`` (its metadata: id,
control, severity, title, rationale, implementation, remediation) and ``__init__.py`` with
``run(ev: Evidence) -> Iterable[Result]`` beside ``NEEDS`` and ``OPTIONAL``, the evidence keys it
reads. Adding a probe = adding such a folder under one of the packages below; the catalogue of probes
is derived from the folders, not typed into code.

Declarations are checked when the probes are registered: a probe whose ``NEEDS`` no installed engine
provides is known here (:meth:`Probe.unavailable`) and reported as an ``error`` result naming the
missing evidence, never run to a silent ``manual``.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from types import ModuleType
from typing import Any

import yaml

from secplan.assess.evidence import Evidence, is_installed
from secplan.assess.interface import EvidenceKey, ProbeDef, Result
from secplan.plan.catalogue import control_ids
from secplan.vocabulary import Severity

PROBE_PACKAGES = (
    "secplan.data.probes",
    "secplan.model.probes",
    "secplan.platform.probes",
    "secplan.compliance.probes",
    "secplan.human.probes",
)

REQUIRED_FIELDS = ("id", "control", "severity", "title", "rationale", "implementation", "remediation")


@dataclass(frozen=True)
class Probe:
    definition: ProbeDef
    run: Callable[[Evidence], Iterable[Result]]
    """Call it with :meth:`view`'s evidence, not the whole of it."""
    needs: tuple[EvidenceKey[Any], ...] = ()
    """Engine evidence the probe cannot judge without."""
    optional: tuple[EvidenceKey[Any], ...] = ()
    """Engine evidence the probe uses when an installed engine provides it."""
    problem: str | None = None
    """What is wrong with the probe's declarations (it then never runs)."""

    @property
    def id(self) -> str:
        return self.definition.id

    def unavailable(self, ev: Evidence | None = None) -> list[EvidenceKey[Any]]:
        """The needed keys that no installed engine provides (nor ``ev``, when given, was handed)."""
        return [k for k in self.needs if not (ev.provides(k) if ev is not None else is_installed(k))]

    def view(self, ev: Evidence) -> Evidence:
        """The evidence this probe may read: the project, and only the keys it declared."""
        return ev.for_probe(self.id, self.needs + self.optional)


def _declared(module: ModuleType, name: str) -> tuple[tuple[EvidenceKey[Any], ...], str | None]:
    """A probe module's ``NEEDS`` or ``OPTIONAL`` as keys, or what is wrong with it."""
    where = f"{module.__name__}.{name}"
    if not hasattr(module, name):
        return (), (f"{where} is not declared" if name == "NEEDS" else None)
    value = getattr(module, name)
    if not isinstance(value, tuple) or not all(isinstance(k, EvidenceKey) for k in value):
        return (), f"{where} must be a tuple of EvidenceKey"
    return value, None


def load_probe(module: ModuleType) -> Probe:
    """The probe a package defines, with its declarations checked."""
    needs, bad_needs = _declared(module, "NEEDS")
    optional, bad_optional = _declared(module, "OPTIONAL")
    problem = bad_needs or bad_optional
    if problem is None and {k.name for k in needs} & {k.name for k in optional}:
        problem = f"{module.__name__} declares a key both in NEEDS and in OPTIONAL"
    return Probe(load_definition(module.__name__), module.run, needs, optional, problem)


def load_definition(package: str) -> ProbeDef:
    raw = yaml.safe_load(resources.files(package).joinpath("def.yml").read_text(encoding="utf-8"))
    missing = [key for key in REQUIRED_FIELDS if not raw.get(key)]
    if missing:
        raise ValueError(f"{package}/def.yml lacks {', '.join(missing)}")
    if raw["control"] not in control_ids():
        raise ValueError(f"{package}/def.yml names unknown control {raw['control']!r}")
    return ProbeDef(
        id=raw["id"],
        control=raw["control"],
        severity=Severity(raw["severity"]),
        title=raw["title"].strip(),
        rationale=" ".join(raw["rationale"].split()),
        implementation=" ".join(raw["implementation"].split()),
        remediation=" ".join(raw["remediation"].split()),
    )


@functools.cache
def all_probes() -> tuple[Probe, ...]:
    """Every registered probe, sorted by control then id. Ids must be unique."""
    probes: list[Probe] = []
    for package_name in PROBE_PACKAGES:
        try:
            package = importlib.import_module(package_name)
        except ModuleNotFoundError as exc:
            if exc.name == package_name:
                continue
            raise
        for info in pkgutil.iter_modules(package.__path__):
            if not info.ispkg:
                continue
            module = importlib.import_module(f"{package_name}.{info.name}")
            probes.append(load_probe(module))
    ids = [p.id for p in probes]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate probe ids: {sorted(duplicates)}")
    order = {cid: n for n, cid in enumerate(control_ids())}
    return tuple(sorted(probes, key=lambda p: (order[p.definition.control], p.id)))
