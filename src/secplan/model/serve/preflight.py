"""The checks a version passes before the gateway serves it, and a clear refusal otherwise.

``NAME@VERSION`` needs a signature that verifies and a safe artifact scan; ``NAME@STAGE`` also needs
every gate of that stage to hold now (re-evaluated, not only recorded at promotion). The files'
digest is checked again by the worker on the exact bytes it loads (:mod:`secplan.model.worker`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from secplan.errors import InputError, IntegrityError

if TYPE_CHECKING:
    from secplan.crypto.keys.manager import KeyManager
    from secplan.model.registry.versions import ModelVersion
    from secplan.store.db import Store


@dataclass(frozen=True)
class Approved:
    """A version that passed every check, and how it was named."""

    version: ModelVersion
    stage: str | None
    checks: tuple[str, ...]
    """What was verified, for the start-up message and the audit."""

    @property
    def digest(self) -> str:
        return f"sha256:{self.version.root_digest}"


def resolve(store: Store, ref: str) -> tuple[ModelVersion, str | None]:
    """The version ``NAME@VERSION`` or ``NAME@STAGE`` names (a registered version wins over a stage)."""
    from secplan.model.registry.refs import parse_ref
    from secplan.model.registry.versions import all_versions, get_version, stages

    name, tail = parse_ref(ref)
    assert tail is not None
    versions = {v.version: v for v in all_versions(store, name)}
    if not versions:
        raise InputError(f"no model {name!r} is registered (see `secplan model list`)")
    if tail in versions:
        return versions[tail], None
    pointed = stages(store, name).get((name, tail.lower()))
    if pointed is None:
        raise InputError(f"{ref}: {name} has no version {tail!r} and no stage {tail.lower()!r} "
                         f"(versions: {', '.join(versions)})")
    return get_version(store, f"{name}@{pointed}", exact=True), tail.lower()


def check(store: Store, root: Path, ref: str, manager: KeyManager | None = None) -> Approved:
    """Refuse (IntegrityError, exit 1) a version that is unsigned, fails verification, has an unsafe
    scan or, for a stage, an unmet gate; return it approved otherwise."""
    from secplan.model.registry.gates import STAGE_GATES, evaluate
    from secplan.model.registry.signatures import check_version

    version, stage = resolve(store, ref)
    if manager is None:
        from secplan.crypto.keys.manager import KeyManager

        manager = KeyManager.for_project(root)
    problems: list[str] = []
    if version.scan_verdict != "safe":
        problems.append(f"its artifact scan says {version.scan_verdict} (the gateway serves safe scans only)")
    verified = check_version(root, manager, version)
    if not verified.ok:
        problems += verified.problems
    checks = ["signature", "scan"]
    if stage is not None and not problems:
        for gate in evaluate(store, root, manager, version, stage):
            checks.append(gate.gate)
            if not gate.met:
                problems.append(f"stage gate {gate.gate}: {gate.detail}")
        if "approval" in STAGE_GATES.get(stage, ()):
            checks.append("approval")
            if not _approved(store, version, stage):
                problems.append("stage gate approval: its promotion to this stage records no second-person "
                                "approval")
    if problems:
        raise IntegrityError(f"refusing to serve {version.ref}" + (f" ({ref})" if stage else "") + ": "
                             + "; ".join(problems),
                             hint="serve a version that is signed (`secplan model sign`), unchanged since, and scanned safe")
    return Approved(version, stage, tuple(checks))


def _approved(store: Store, version: ModelVersion, stage: str) -> bool:
    from secplan.model.registry.versions import promotions

    last = [p for p in promotions(store, version.name) if p["stage"] == stage and p["version"] == version.version]
    return bool(last) and any(g.get("gate") == "approval" and g.get("met") for g in last[-1]["gates"])
