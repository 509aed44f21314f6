"""The ``model_registry`` evidence as the registry's collector builds it, for the MS-1/MS-3/MS-6 probe cases."""

from __future__ import annotations

from typing import Any

from secplan.model.registry.evidence import ArtifactStatus, RegistryEvidence

REQUIRED_GATES = ("signature", "scan", "evaluation", "approval")


def version(ref: str, path: str = "models/m.onnx", datasets: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    return {"ref": ref, "path": path, "datasets": [{"name": n, "version": v} for n, v in datasets]}


def production(ref: str, path: str = "models/m.onnx", gates: tuple[str, ...] = REQUIRED_GATES,
               problems: tuple[str, ...] = (), card_info: dict[str, str] | None = None,
               card_digest: str | None = "sha256:card") -> dict[str, Any]:
    info = {"intended_use": "credit scoring", "limitations": "not for minors"} if card_info is None else card_info
    return {"ref": ref, "path": path, "gates": [{"gate": g, "met": True} for g in gates],
            "problems": list(problems), "card_info": info, "card_digest": card_digest}


def registry(artifacts: tuple[ArtifactStatus, ...] = (), versions: tuple[dict, ...] = (),
             prod: tuple[dict, ...] = ()) -> RegistryEvidence:
    return RegistryEvidence(list(artifacts), list(versions), list(prod))
