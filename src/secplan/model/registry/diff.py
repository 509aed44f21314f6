"""What changed between two versions: files, data, code, parameters and metrics."""

from __future__ import annotations

from typing import Any

from secplan.model.registry.hashing import compare
from secplan.model.registry.versions import ModelVersion


def _dict_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    keys = sorted(set(old) | set(new))
    return {k: {"from": old.get(k), "to": new.get(k)} for k in keys if old.get(k) != new.get(k)}


def diff(a: ModelVersion, b: ModelVersion) -> dict[str, Any]:
    change = compare(a.tree.files, b.tree.files)
    data_a = {f"{d['name']}@{d['version']}": d["digest"] for d in a.lineage.get("datasets", [])}
    data_b = {f"{d['name']}@{d['version']}": d["digest"] for d in b.lineage.get("datasets", [])}
    env_a = a.lineage.get("environment", {})
    env_b = b.lineage.get("environment", {})
    return {
        "from": a.ref, "to": b.ref,
        "files": {"changed": list(change.changed), "added": list(change.added), "removed": list(change.removed)},
        "datasets": {"added": sorted(set(data_b) - set(data_a)), "removed": sorted(set(data_a) - set(data_b))},
        "code_ref": {"from": a.lineage.get("code_ref"), "to": b.lineage.get("code_ref")}
        if a.lineage.get("code_ref") != b.lineage.get("code_ref") else {},
        "params": _dict_diff(a.lineage.get("params") or {}, b.lineage.get("params") or {}),
        "metrics": _dict_diff(a.lineage.get("metrics") or {}, b.lineage.get("metrics") or {}),
        "python": {"from": env_a.get("python"), "to": env_b.get("python")}
        if env_a.get("python") != env_b.get("python") else {},
        "packages": _dict_diff(env_a.get("packages", {}), env_b.get("packages", {})),
        "scan": {"from": a.scan_verdict, "to": b.scan_verdict} if a.scan_verdict != b.scan_verdict else {},
    }
