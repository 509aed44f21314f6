"""The one place probes are registered.

Each probe is a package ``<pillar>/probes/<probe_name>/`` holding ``def.yml`` (its metadata: id,
control, severity, title, rationale, implementation, remediation) and ``__init__.py`` with
``run(ev: Evidence) -> Iterable[Result]``. Adding a probe = adding such a folder under one of the
packages below; the catalogue of probes is derived from the folders, not typed into code.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

import yaml

from secplan.assess.evidence import Evidence
from secplan.assess.interface import ProbeDef, Result
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

    @property
    def id(self) -> str:
        return self.definition.id


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
            probes.append(Probe(load_definition(module.__name__), module.run))
    ids = [p.id for p in probes]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate probe ids: {sorted(duplicates)}")
    order = {cid: n for n, cid in enumerate(control_ids())}
    return tuple(sorted(probes, key=lambda p: (order[p.definition.control], p.id)))
