"""Signed attestations for what software cannot see: pentest reports (PS-1), firewall and
intrusion-detection reviews (PS-5), hardware tamper protection (PS-6).

The signing key lives outside the database, so that someone who can write the database cannot forge
an attestation; the assessment verifies every signature. By default it is an unattended Ed25519 key
file in the store's home folder (mode 0600); a team points ``policy.keys.signing.attestations`` at a
managed key (ed25519, or ecdsa-p256 in an HSM or KMS) and attestations signed before keep verifying.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from secplan.access import require
from secplan.compliance.records import Attestation
from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.purpose import TrustedKeys, signer_for, trusted_keys
from secplan.crypto.keys.signer import PublicKey, Signer
from secplan.errors import InputError
from secplan.human.audit import audit
from secplan.plan.catalogue import control_ids
from secplan.projects import ProjectRow
from secplan.store.base import utcnow

if TYPE_CHECKING:
    from secplan.store.db import Store

KEY_FILE = "attestation-ed25519.key"
MAX_EVIDENCE_BYTES = 2 * 1024**3


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def configured_key(store: Store) -> str | None:
    """The managed key the plan names for attestations (``policy.keys.signing.attestations``), if any."""
    from secplan.plan.loader import load_plan, plan_path

    path = plan_path(store.home.parent)
    return load_plan(path).policy.keys.signing.attestations if path.exists() else None


def _manager(store: Store):
    from secplan.crypto.keys.manager import KeyManager

    return KeyManager.for_project(store.home.parent)


def signer(store: Store) -> Signer:
    """The project's attestation signer: the configured managed key, else the key file (made on first use)."""
    return signer_for(configured_key(store), file=store.home / KEY_FILE, manager=lambda: _manager(store))


def trusted(store: Store) -> TrustedKeys:
    """The keys whose attestations count: the key file's and every live version of the configured key."""
    return trusted_keys(configured_key(store), file=store.home / KEY_FILE, manager=lambda: _manager(store))


def public_key_b64(key: PublicKey) -> str:
    """How a row names its key: the raw Ed25519 key (32 bytes) or the SEC1 P-256 point (65 bytes)."""
    return _b64(key.raw)


def _row_key(encoded: str) -> PublicKey | None:
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError:
        return None
    if len(raw) == 32:
        return PublicKey(KeyType.ED25519, raw)
    if len(raw) == 65:
        return PublicKey(KeyType.ECDSA_P256, raw)
    return None


def payload(row: Attestation, legacy_project_name: str | None = None) -> bytes:
    """The signed bytes: every field that gives the attestation its meaning, canonical JSON. Attestations
    signed before project ids existed named the project by name (``domain``): ``legacy_project_name``."""
    scope = {"domain": legacy_project_name} if legacy_project_name is not None else {"project_id": row.project_id}
    fields = {**scope, "control": row.control, "statement": row.statement,
              "evidence": row.evidence, "evidence_sha256": row.evidence_sha256, "attester": row.attester,
              "created_at": _utc(row.created_at).isoformat(), "expires": row.expires.isoformat()}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _utc(value: dt.datetime) -> dt.datetime:
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _evidence_digest(evidence: str) -> str | None:
    """SHA-256 of a local evidence file (read as bytes, never opened as anything else); None for a URL."""
    if "://" in evidence:
        return None
    path = Path(evidence)
    if not path.is_file():
        raise InputError(f"--evidence {evidence}: no such file (give a readable file or a URL)")
    if path.stat().st_size > MAX_EVIDENCE_BYTES:
        raise InputError(f"--evidence {evidence}: larger than {MAX_EVIDENCE_BYTES} bytes")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def attest(store: Store, control: str, *, statement: str, evidence: str, expires: dt.date,
           today: dt.date | None = None) -> int:
    control = control.upper()
    if control not in control_ids():
        raise InputError(f"{control}: unknown control (one of DS-1 .. HS-5)")
    if not statement.strip():
        raise InputError("--statement must say what is attested")
    if expires <= (today or dt.date.today()):
        raise InputError(f"--expires {expires}: an attestation must expire in the future")
    who = require(store, "write", f"attestation:{control}")
    digest = _evidence_digest(evidence)
    key = signer(store)
    row = Attestation(project_id=who.project.id, control=control, statement=statement.strip(), evidence=evidence,
                      evidence_sha256=digest, attester=who.name, created_at=_utc(utcnow()), expires=expires,
                      public_key=public_key_b64(key.public_key), signature="")
    row.signature = _b64(key.sign(payload(row)))
    with store.session() as session:
        session.add(row)
        session.flush()
        attestation_id = row.id
    audit(store, "attest.create", f"attestation:{attestation_id}",
          {"control": control, "evidence_sha256": digest, "expires": expires.isoformat(), "key": key.key_ref})
    return attestation_id


def verify(row: Attestation, trust: TrustedKeys | None, project_name: str | None = None) -> str | None:
    """None when the signature is valid under a trusted key (any key, with None); otherwise why not.
    ``project_name`` also accepts an attestation signed before project ids, under the project's name."""
    key = _row_key(row.public_key)
    if key is None:
        return "the attestation's public key is malformed"
    if trust is not None and key not in trust:
        return "signed by a key that is not the project's attestation key" + (
            f" ({trust.problem})" if trust.problem else "")
    try:
        signature = base64.b64decode(row.signature, validate=True)
    except ValueError:
        return "the signature is not base64"
    names = [None] if project_name is None else [None, project_name]
    try:
        if any(key.verify(signature, payload(row, legacy)) for legacy in names):
            return None
    except InputError:  # 65 bytes that are not a point on P-256
        return "the attestation's public key is malformed"
    return "signature does not match the attestation"


def all_attestations(store: Store, project_id: str, today: dt.date) -> list[dict[str, Any]]:
    """Every attestation with its verification and state (current, expired, invalid)."""
    keys = trusted(store)
    with store.session() as session:
        rows = session.scalars(select(Attestation).where(Attestation.project_id == project_id)
                               .order_by(Attestation.id)).all()
        named = session.get(ProjectRow, project_id)
        out = []
        for row in rows:
            problem = verify(row, keys, named.name if named else None) if keys.keys else \
                (keys.problem or "the project's attestation key is missing")
            state = "invalid" if problem else ("expired" if row.expires < today else "current")
            out.append({"id": row.id, "control": row.control, "statement": row.statement,
                        "evidence": row.evidence, "evidence_sha256": row.evidence_sha256,
                        "attester": row.attester, "created_at": _utc(row.created_at).isoformat(),
                        "expires": row.expires.isoformat(), "state": state, "problem": problem,
                        "public_key": row.public_key, "signature": row.signature})
        return out


def list_attestations(store: Store, today: dt.date | None = None) -> list[dict[str, Any]]:
    who = require(store, "read", "attestation")
    return all_attestations(store, who.project.id, today or dt.date.today())
