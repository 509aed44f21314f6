"""Evidence: everything probes may read about a project, gathered once and shared.

Engines plug in as *collectors*: named functions registered with :func:`collector` that compute a
piece of evidence (a model scan, a data classification, records from the store) the first time a
probe asks for it. A collector that fails raises; the pipeline turns that into an ``error`` result
for the probes that needed it, and the rest of the assessment goes on.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secplan.assess.discover import ProjectFile, classify_file, discover
from secplan.plan.model import Asset, Plan
from secplan.vocabulary import AssetKind, Classification

if TYPE_CHECKING:
    from secplan.store.db import Store

Collector = Callable[["Evidence"], Any]
_COLLECTORS: dict[str, Collector] = {}


def collector(name: str) -> Callable[[Collector], Collector]:
    """Register an evidence collector under ``name`` (import-time, in the engine's module)."""

    def register(func: Collector) -> Collector:
        _COLLECTORS[name] = func
        return func

    return register


def installed_collectors() -> frozenset[str]:
    """Names of the collectors the installed engines register (probes defer to those engines)."""
    _import_engines()
    return frozenset(_COLLECTORS)


class CollectorUnavailable(LookupError):
    """No collector of that name is installed (an optional engine is missing)."""


@dataclass(frozen=True)
class AssetView:
    """A declared asset merged with what discovery found, or a discovered file the plan does not declare."""

    path: str
    kind: AssetKind
    declared: bool
    exists: bool
    encrypted: bool
    owner: str | None = None
    classification: Classification | None = None
    retention_days: int | None = None
    uses: tuple[str, ...] = ()
    anonymised: bool | None = None
    magic: str | None = None
    size: int = 0


class Evidence:
    """The evidence of one assessment run."""

    def __init__(self, root: Path, plan: Plan, *, today: dt.date | None = None, store: Store | None = None):
        self.root = root.resolve()
        self.plan = plan
        self.today = today or dt.date.today()
        self._store = store
        self._cache: dict[str, Any] = {}

    @functools.cached_property
    def files(self) -> list[ProjectFile]:
        return discover(self.root, self.plan.exclude)

    def files_of(self, *kinds: AssetKind) -> list[ProjectFile]:
        return [f for f in self.files if f.kind in kinds]

    @property
    def store(self) -> Store:
        if self._store is None:
            from secplan.store.db import Store

            self._store = Store.for_project(self.root)
        return self._store

    @property
    def has_store(self) -> bool:
        """True when the project has a store (an earlier secplan command created one)."""
        from secplan.store.db import Store

        return self._store is not None or Store.exists_for(self.root)

    def get(self, name: str) -> Any:
        """The evidence collected by collector ``name``, computed once per run."""
        if name not in self._cache:
            _import_engines()
            func = _COLLECTORS.get(name)
            if func is None:
                raise CollectorUnavailable(f"no collector named {name!r} is installed")
            self._cache[name] = func(self)
        return self._cache[name]

    @functools.cached_property
    def assets(self) -> list[AssetView]:
        """Declared assets first (plan order), then every discovered dataset, model, notebook,
        dependency manifest and infrastructure file that no declared asset covers."""
        by_path = {f.path: f for f in self.files}
        views: list[AssetView] = []
        covered: set[str] = set()
        for asset in self.plan.assets:
            views.append(self._declared_view(asset, by_path, covered))
        for f in self.files:
            if f.path in covered or f.kind in (AssetKind.CODE, AssetKind.DOCUMENT, AssetKind.OTHER):
                continue
            views.append(AssetView(path=f.path, kind=f.kind, declared=False, exists=True,
                                   encrypted=f.encrypted, magic=f.magic, size=f.size))
        return views

    def assets_of(self, *kinds: AssetKind) -> list[AssetView]:
        return [a for a in self.assets if a.kind in kinds]

    def _declared_view(self, asset: Asset, by_path: dict[str, ProjectFile], covered: set[str]) -> AssetView:
        rel = asset.path.strip("/")
        members = [f for p, f in by_path.items() if p == rel or p.startswith(rel + "/")]
        enc_twin = by_path.get(rel + ".enc")
        if not members and enc_twin is not None and enc_twin.encrypted:
            members = [enc_twin]
        covered.update(f.path for f in members)
        kinds = {f.kind for f in members if f.kind is not AssetKind.ENCRYPTED}
        if asset.kind:
            kind = asset.kind
        elif len(kinds) == 1:
            kind = kinds.pop()
        else:  # only encrypted files, or a mix: judge by the declared name
            kind = classify_file(rel, b"")[0]
        encrypted = bool(asset.encrypted) or (bool(members) and all(f.encrypted for f in members))
        return AssetView(
            path=rel,
            kind=kind,
            declared=True,
            exists=bool(members) or (self.root / rel).exists(),
            encrypted=encrypted,
            owner=asset.owner,
            classification=asset.classification,
            retention_days=asset.retention_days,
            uses=tuple(asset.uses),
            anonymised=asset.anonymised,
            magic=members[0].magic if len(members) == 1 else None,
            size=sum(f.size for f in members),
        )


#: Modules that register collectors. One list, so that a reader finds every engine feeding the assessment.
ENGINE_MODULES: list[str] = [
    "secplan.human.collect",
    "secplan.platform.collect",
    "secplan.data.validate.collect",
    "secplan.crypto.collect",
    "secplan.model.scan.collect",
    "secplan.data.classify.collect",
    "secplan.data.backup.collect",
    "secplan.data.share.collect",
    "secplan.compliance.retention.collect",
    "secplan.model.registry.collect",
]


@functools.cache
def _import_engines() -> None:
    import importlib

    for module in ENGINE_MODULES:
        try:
            importlib.import_module(module)
        except ImportError as exc:  # an optional engine whose dependencies are not installed
            if exc.name and not exc.name.startswith("secplan"):
                continue
            raise
