"""Signed attestations (Ed25519) for what software cannot see: pentest reports (PS-1), firewall and
intrusion-detection reviews (PS-5), hardware tamper protection (PS-6).

The signing key lives outside the database, in the store's home folder (mode 0600), so that someone
who can write the database cannot forge an attestation; the assessment verifies every signature.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select

from secplan.access import require
from secplan.compliance.records import Attestation
from secplan.errors import InputError
from secplan.fsutil import atomic_write_bytes
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


def signing_key(store: Store) -> Ed25519PrivateKey:
    """The project's attestation key, created on first use."""
    path = store.home / KEY_FILE
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
        atomic_write_bytes(path, raw, perms=0o600)
    raw = path.read_bytes()
    if len(raw) != 32:
        raise InputError(f"{path}: not an Ed25519 attestation key (32 raw bytes expected)")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_b64(key: Ed25519PrivateKey) -> str:
    return _b64(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


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
    key = signing_key(store)
    row = Attestation(project_id=who.project.id, control=control, statement=statement.strip(), evidence=evidence,
                      evidence_sha256=digest, attester=who.name, created_at=_utc(utcnow()), expires=expires,
                      public_key=public_key_b64(key), signature="")
    row.signature = _b64(key.sign(payload(row)))
    with store.session() as session:
        session.add(row)
        session.flush()
        attestation_id = row.id
    audit(store, "attest.create", f"attestation:{attestation_id}",
          {"control": control, "evidence_sha256": digest, "expires": expires.isoformat()})
    return attestation_id


def verify(row: Attestation, trusted_key: str | None, project_name: str | None = None) -> str | None:
    """None when the signature is valid under the project key; otherwise why not. ``project_name``
    also accepts an attestation signed before project ids, under the project's name."""
    if trusted_key is not None and row.public_key != trusted_key:
        return "signed by a key that is not the project's attestation key"
    names = [None] if project_name is None else [None, project_name]
    for legacy in names:
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(row.public_key)).verify(
                base64.b64decode(row.signature), payload(row, legacy))
            return None
        except (InvalidSignature, ValueError):
            continue
    return "signature does not match the attestation"


def all_attestations(store: Store, project_id: str, today: dt.date) -> list[dict[str, Any]]:
    """Every attestation with its verification and state (current, expired, invalid)."""
    key_path = store.home / KEY_FILE
    trusted = public_key_b64(signing_key(store)) if key_path.exists() else None
    with store.session() as session:
        rows = session.scalars(select(Attestation).where(Attestation.project_id == project_id)
                               .order_by(Attestation.id)).all()
        named = session.get(ProjectRow, project_id)
        out = []
        for row in rows:
            problem = verify(row, trusted, named.name if named else None) if trusted else "the project's attestation key is missing"
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
