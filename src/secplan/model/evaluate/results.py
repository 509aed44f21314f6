"""Evaluation results as evidence: stored against the version's digest, attested, ledgered, read back.

The attestation is an in-toto statement (predicate ``https://secplan.dev/model-evaluation/v1``)
whose subject is the version's root digest, signed by the key that signed the model, next to the
model's own signature. A version that is not signed gets an unsigned result that says so.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from secplan.errors import SecplanError
from secplan.model.evaluate.records import EvaluationRow

if TYPE_CHECKING:
    from secplan.crypto.keys.manager import KeyManager
    from secplan.model.registry.versions import ModelVersion
    from secplan.store.db import Store


def result_digest(result: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(result, sort_keys=True, default=str).encode()).hexdigest()


def _attest(manager: KeyManager | None, version: ModelVersion, result: dict[str, Any]) -> tuple[str | None, str]:
    from secplan.model.registry.signing import EVALUATION_PREDICATE, sign_statement

    if version.signing_key is None:
        return None, "not signed: the model version is not signed (secplan model sign)"
    if manager is None:
        return None, "not signed: no key manager"
    predicate = {"model": version.ref, "result_sha256": result_digest(result),
                 "passed": result.get("passed"), "suites": {k: v.get("passed") for k, v in result["suites"].items()}}
    try:
        return sign_statement(manager, version.signing_key, version.ref, version.root_digest,
                              EVALUATION_PREDICATE, predicate), f"signed with {version.signing_key}"
    except SecplanError as exc:
        return None, f"not signed: {exc.message}"


def save(store: Store, version: ModelVersion, result: dict[str, Any],
         manager: KeyManager | None = None) -> dict[str, Any]:
    """Store, attest and ledger ``result``; returns what was recorded (id, attestation state)."""
    from secplan.identity import current_actor
    from secplan.ledger import record
    from secplan.projects import project_of

    bundle, attestation = _attest(manager, version, result)
    with store.session() as session:
        row = EvaluationRow(project_id=project_of(store).id, name=version.name, version=version.version,
                            digest=f"sha256:{version.root_digest}", suites=",".join(result["suites"]),
                            passed=result.get("passed"), result=json.dumps(result, default=str), attestation=bundle,
                            signing_key=version.signing_key if bundle else None, created_by=current_actor())
        session.add(row)
        session.flush()
        row_id = row.id
    record(store, action="model.evaluate", obj=f"model:{version.ref}",
           details={"digest": f"sha256:{version.root_digest}", "evaluation": row_id, "passed": result.get("passed"),
                    "suites": {k: v.get("passed") for k, v in result["suites"].items()},
                    "result_sha256": result_digest(result), "attestation": attestation},
           outcome="success" if result.get("passed") is not False else "failure")
    return {"id": row_id, "attestation": attestation}


def evaluations(store: Store, name: str | None = None, version: str | None = None) -> list[dict[str, Any]]:
    """Stored evaluations, oldest first, each with its digest and result document."""
    from secplan.projects import project_of

    with store.session() as session:
        query = select(EvaluationRow).where(EvaluationRow.project_id == project_of(store).id)
        if name is not None:
            query = query.where(EvaluationRow.name == name)
        if version is not None:
            query = query.where(EvaluationRow.version == version)
        return [{"id": r.id, "model": r.name, "version": r.version, "digest": r.digest, "passed": r.passed,
                 "created": r.created.isoformat(), "created_by": r.created_by, "signed": r.attestation is not None,
                 "result": json.loads(r.result)} for r in session.scalars(query.order_by(EvaluationRow.id))]


def current(store: Store, version: ModelVersion) -> dict[str, Any] | None:
    """The newest evaluation of exactly this version's digest (an evaluation of other bytes never counts)."""
    digest = f"sha256:{version.root_digest}"
    found = [e for e in evaluations(store, version.name, version.version) if e["digest"] == digest]
    return found[-1] if found else None
