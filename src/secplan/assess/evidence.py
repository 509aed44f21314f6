"""Evidence: everything probes may read about a project, gathered once and shared.

The project itself (its files, plan, assets and store) is on every :class:`Evidence`. What an
engine computes (a model scan, a data classification, records from the store) is named by an
:class:`~secplan.assess.interface.EvidenceKey` and computed by the engine's *collector*, registered
with :func:`collector` in the engine's ``collect`` module, the first time a probe asks for it.
A collector must return the key's type. A collector that fails raises; the pipeline turns that into
an ``error`` result for the probes that needed it, and the rest of the assessment goes on.

Probes see a view (:meth:`Evidence.for_probe`) that only hands out the keys they declared.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from secplan.assess.discover import ProjectFile, classify_file, discover
from secplan.assess.interface import EvidenceKey, EvidenceUnavailable, UndeclaredEvidence
from secplan.plan.model import Asset, Plan
from secplan.vocabulary import AssetKind, Classification

if TYPE_CHECKING:
    from secplan.store.db import Store

T = TypeVar("T")
Collector = Callable[["Evidence"], Any]
_COLLECTORS: dict[str, tuple[EvidenceKey[Any], Collector]] = {}


def collector(key: EvidenceKey[T]) -> Callable[[Callable[[Evidence], T]], Callable[[Evidence], T]]:
    """Register the collector of ``key`` (import-time, in the engine's ``collect`` module).

    One collector per key: a second one, or one that names the key with another type, is a bug
    and fails at import.
    """
    if not isinstance(key, EvidenceKey):
        raise TypeError(f"@collector takes an EvidenceKey, not {type(key).__name__}")

    def register(func: Callable[[Evidence], T]) -> Callable[[Evidence], T]:
        known = _COLLECTORS.get(key.name)
        if known is not None:
            same = f"{known[1].__module__}.{known[1].__qualname__}" == f"{func.__module__}.{func.__qualname__}"
            if known[0] != key or not same:
                raise TypeError(f"evidence {key.name} already has a collector "
                                f"({known[1].__module__}.{known[1].__qualname__} returning {known[0].type.__name__})")
        _COLLECTORS[key.name] = (key, func)
        return func

    return register


def installed_keys() -> frozenset[EvidenceKey[Any]]:
    """The evidence keys that the installed engines provide."""
    _import_engines()
    return frozenset(key for key, _ in _COLLECTORS.values())


def installed_collectors() -> frozenset[str]:
    """Names of the evidence keys the installed engines provide."""
    return frozenset(key.name for key in installed_keys())


def is_installed(key: EvidenceKey[Any]) -> bool:
    """True when an installed engine's collector provides ``key`` (with ``key``'s type)."""
    _import_engines()
    known = _COLLECTORS.get(key.name)
    return known is not None and known[0] == key


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

    def __init__(self, root: Path, plan: Plan, *, today: dt.date | None = None, store: Store | None = None,
                 provided: Mapping[EvidenceKey[Any], Any] | None = None):
        self.root = root.resolve()
        self.plan = plan
        self.today = today or dt.date.today()
        self._store = store
        self._cache: dict[str, Any] = {}
        for key, value in (provided or {}).items():
            self.provide(key, value)

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

    def provide(self, key: EvidenceKey[T], value: T) -> None:
        """Hand in evidence gathered elsewhere (a service's live records, a test's data) instead of
        running the key's collector; it must have the key's type."""
        _check_type(key, value, "the value provided")
        self._cache[key.name] = value

    def provides(self, key: EvidenceKey[Any]) -> bool:
        """True when :meth:`get` can return ``key``: it was provided, or an installed engine collects it."""
        return key.name in self._cache or is_installed(key)

    def get(self, key: EvidenceKey[T]) -> T:
        """The evidence named by ``key``, computed once per run by its collector.

        Raises :class:`EvidenceUnavailable` when no installed engine provides it.
        """
        if not isinstance(key, EvidenceKey):
            raise TypeError(f"evidence is read by EvidenceKey, not by {type(key).__name__}")
        if key.name not in self._cache:
            _import_engines()
            known = _COLLECTORS.get(key.name)
            if known is None or known[0] != key:
                raise EvidenceUnavailable(key)
            value = known[1](self)
            _check_type(key, value, f"the collector {known[1].__module__}.{known[1].__qualname__}")
            self._cache[key.name] = value
        return self._cache[key.name]

    def for_probe(self, probe: str, declared: Iterable[EvidenceKey[Any]]) -> Evidence:
        """A view for one probe: the same project and cache, but only the ``declared`` keys."""
        return ProbeEvidence(self, probe, declared)

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


class ProbeEvidence(Evidence):
    """What one probe sees: the project as :class:`Evidence` has it, and the engine evidence it declared.

    Reading an undeclared key raises :class:`UndeclaredEvidence`, so a probe's ``NEEDS`` and
    ``OPTIONAL`` stay the truth about what it reads (and what the registry checks is installed).
    """

    def __init__(self, base: Evidence, probe: str, declared: Iterable[EvidenceKey[Any]]):
        self._base = base
        self._probe = probe
        self._declared = {key.name: key for key in declared}
        self.root = base.root
        self.plan = base.plan
        self.today = base.today

    @property
    def files(self) -> list[ProjectFile]:  # type: ignore[override]
        return self._base.files

    @property
    def assets(self) -> list[AssetView]:  # type: ignore[override]
        return self._base.assets

    @property
    def store(self) -> Store:
        return self._base.store

    @property
    def has_store(self) -> bool:
        return self._base.has_store

    def provide(self, key: EvidenceKey[T], value: T) -> None:
        raise TypeError(f"probe {self._probe} cannot provide evidence; probes only read it")

    def provides(self, key: EvidenceKey[Any]) -> bool:
        self._check_declared(key)
        return self._base.provides(key)

    def get(self, key: EvidenceKey[T]) -> T:
        self._check_declared(key)
        return self._base.get(key)

    def for_probe(self, probe: str, declared: Iterable[EvidenceKey[Any]]) -> Evidence:
        return self._base.for_probe(probe, declared)

    def _check_declared(self, key: EvidenceKey[Any]) -> None:
        if not isinstance(key, EvidenceKey):
            raise TypeError(f"evidence is read by EvidenceKey, not by {type(key).__name__}")
        if self._declared.get(key.name) != key:
            raise UndeclaredEvidence(key, self._probe)


def _check_type(key: EvidenceKey[Any], value: Any, source: str) -> None:
    if not isinstance(value, key.type):
        raise TypeError(f"{source} returned {type(value).__name__} for {key.name}, not {key.type.__name__}")


#: Modules that register collectors. One list, so that a reader finds every engine feeding the assessment.
ENGINE_MODULES: list[str] = [
    "secplan.human.collect",
    "secplan.compliance.collect",
    "secplan.platform.collect",
    "secplan.data.validate.collect",
    "secplan.crypto.collect",
    "secplan.model.scan.collect",
    "secplan.data.classify.collect",
    "secplan.data.backup.collect",
    "secplan.data.share.collect",
    "secplan.compliance.retention.collect",
    "secplan.model.registry.collect",
    "secplan.model.evaluate.collect",
    "secplan.model.monitor.collect",
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
