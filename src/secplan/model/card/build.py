"""The card's content, from one registered version: details, use, data lineage, metrics, scan.

``content`` is what the signed manifest's card digest covers; ``status`` (signature, stages) is
added when the card is shown and is not part of the digest (it changes when the version is signed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from secplan.model.registry.lineage import digest

if TYPE_CHECKING:
    from secplan.model.registry.versions import ModelVersion

_FAIRNESS_KEYS = ("fairness", "bias")
_EVAL_KEYS = ("evaluation", "evaluations", "robustness")


def _metrics(lineage: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Split the metrics file into overall numbers, slices, evaluation and fairness results."""
    raw = dict(lineage.get("metrics") or {})
    slices = raw.pop("slices", {}) or {}
    evaluation = {k: raw.pop(k) for k in _EVAL_KEYS if k in raw}
    fairness = {k: raw.pop(k) for k in _FAIRNESS_KEYS if k in raw}
    return raw, slices, evaluation, fairness


def build_card(version: ModelVersion) -> dict[str, Any]:
    """The card's signed content for ``version``."""
    info = version.card_info
    lineage = version.lineage
    overall, slices, evaluation, fairness = _metrics(lineage)
    datasets = [{"name": d["name"], "version": d["version"], "digest": d["digest"],
                 "classification": d.get("classification") or "unclassified"} for d in lineage.get("datasets", [])]
    return {
        "model": {"name": version.name, "version": version.version, "path": version.path,
                  "digest": f"sha256:{version.root_digest}", "files": len(version.tree.files),
                  "size": version.tree.total_size, "registered": version.created, "registered_by": version.created_by,
                  "owner": info.get("owner"), "description": info.get("description")},
        "intended_use": info.get("intended_use") or "not stated (add intended_use to the card file)",
        "out_of_scope": info.get("out_of_scope"),
        "limitations": info.get("limitations") or "not stated (add limitations to the card file)",
        "training_data": datasets,
        "code_ref": lineage.get("code_ref"),
        "parameters": lineage.get("params") or {},
        "metrics": overall,
        "metric_slices": slices,
        "evaluation": evaluation,
        "fairness": fairness,
        "scan": {"verdict": version.scan_verdict, "summary": version.scan.get("summary", {})},
        "environment": {"python": lineage.get("environment", {}).get("python")},
    }


def card_digest(version: ModelVersion) -> str:
    return digest(build_card(version))
