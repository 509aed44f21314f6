"""The model registry of a project as the API shows it: versions with their stages, signatures,
scans, evaluations and the digests gateways served (MS-1, MS-6)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from secplan.model.evaluate.records import EvaluationRow
from secplan.model.monitor.records import ServedRow
from secplan.model.registry.records import ModelVersionRow, PromotionRow
from secplan.store.base import as_utc
from secplan.store.db import Store


def _iso(moment: Any) -> str | None:
    return as_utc(moment).isoformat() if moment is not None else None


def _stages(promotions: list[PromotionRow]) -> dict[tuple[str, str], str]:
    """(model, stage) -> version: the latest promotion to a stage wins."""
    current: dict[tuple[str, str], str] = {}
    for p in sorted(promotions, key=lambda p: p.id):
        current[(p.name, p.stage)] = p.version
    return current


def models(store: Store, project_id: str) -> list[dict[str, Any]]:
    with store.session() as session:
        rows = session.scalars(select(ModelVersionRow).where(ModelVersionRow.project_id == project_id)
                               .order_by(ModelVersionRow.name, ModelVersionRow.seq)).all()
        promotions = list(session.scalars(select(PromotionRow).where(PromotionRow.project_id == project_id)))
    stages = _stages(promotions)
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = out.setdefault(row.name, {"name": row.name, "versions": 0, "latest": row.version, "stages": {}})
        entry["versions"] += 1
        entry["latest"] = row.version
    for (name, stage), version in stages.items():
        if name in out:
            out[name]["stages"][stage] = version
    return list(out.values())


def versions(store: Store, project_id: str, name: str, version: str | None = None) -> list[dict[str, Any]]:
    """The model's versions (or one), oldest first, with everything the registry knows about each."""
    with store.session() as session:
        query = select(ModelVersionRow).where(ModelVersionRow.project_id == project_id, ModelVersionRow.name == name)
        if version is not None:
            query = query.where(ModelVersionRow.version == version)
        rows = session.scalars(query.order_by(ModelVersionRow.seq)).all()
        promotions = list(session.scalars(select(PromotionRow).where(PromotionRow.project_id == project_id,
                                                                     PromotionRow.name == name)))
        evaluations = list(session.scalars(select(EvaluationRow).where(EvaluationRow.project_id == project_id,
                                                                       EvaluationRow.name == name)
                                           .order_by(EvaluationRow.id)))
        served = list(session.scalars(select(ServedRow).where(ServedRow.project_id == project_id)
                                      .order_by(ServedRow.id)))
    stages = _stages(promotions)
    out = []
    for row in rows:
        ref = f"{row.name}@{row.version}"
        out.append({
            "name": row.name, "version": row.version, "digest": f"sha256:{row.root_digest}",
            "scan": row.scan_verdict, "signed": row.bundle is not None, "signing_key": row.signing_key,
            "signed_at": _iso(row.signed_at), "signed_by": row.signed_by, "created": _iso(row.created) or "",
            "created_by": row.created_by,
            "stages": sorted(stage for (model, stage), v in stages.items() if model == row.name and v == row.version),
            "evaluations": [{"suites": e.suites, "passed": e.passed, "digest": e.digest, "created": _iso(e.created) or "",
                             "created_by": e.created_by, "attested": e.attestation is not None}
                            for e in evaluations if e.version == row.version],
            "served": [{"digest": s.digest, "requested": s.requested, "host": s.host, "port": s.port, "auth": s.auth,
                        "tls": s.tls, "started_at": _iso(s.started_at) or "", "last_seen": _iso(s.last_seen) or "",
                        "stopped_at": _iso(s.stopped_at)} for s in served if s.model == ref],
            "lineage": json.loads(row.lineage), "scan_report": json.loads(row.scan),
            "promotions": [{"stage": p.stage, "promoted_at": _iso(p.promoted_at), "promoted_by": p.promoted_by,
                            "approval": p.approval_id, "gates": json.loads(p.gates)}
                           for p in sorted(promotions, key=lambda p: p.id) if p.version == row.version],
        })
    return out
