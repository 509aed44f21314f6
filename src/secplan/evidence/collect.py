"""Gathering the evidence of one model version from the store: its records as bundle files, and,
part by part, the ledger entries that recorded them.

Nothing here holds a secret: records are read field by field (no token hashes, no key material),
and the only keys are public ones. A record that has no ledger entry is an integrity failure: the
bundle would claim an event the ledger cannot prove.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from secplan.errors import IntegrityError
from secplan.evidence import format as fmt
from secplan.evidence.format import PartEntry
from secplan.fsutil import document_safe
from secplan.ledger.entry import Entry
from secplan.ledger.query import about

if TYPE_CHECKING:
    from secplan.crypto.keys.signer import PublicKey
    from secplan.model.registry.versions import ModelVersion
    from secplan.store.db import Store

APPROVAL_ACTIONS = ["approval.request", "approval.approve", "approval.reject", "approval.use"]
INCIDENT_ACTIONS = ["incident.open", "incident.drill", "incident.update", "incident.close"]
MODEL_ACTIONS = ["model.register", "model.sign", "model.evaluate", "model.promote", "model.serve"]


def document(data: Any) -> bytes:
    """How every JSON member is written: sorted keys, indented, UTF-8, a final newline (a path that is
    not UTF-8 is escaped as every secplan document escapes it)."""
    text = json.dumps(document_safe(data), indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return (text + "\n").encode("utf-8")


def attestation_key_file(raw_b64: str) -> str:
    return f"keys/attestation-{hashlib.sha256(raw_b64.encode('ascii')).hexdigest()[:16]}.pem"


@dataclass
class Collected:
    """Bundle files (name -> bytes) and the parts that name them, in manifest order."""

    files: dict[str, bytes] = field(default_factory=dict)
    parts: list[PartEntry] = field(default_factory=list)

    def add(self, part: str, ident: str, files: dict[str, bytes], entries: list[Entry], *,
            need_entry: bool = True) -> None:
        if need_entry and not entries:
            raise IntegrityError(f"{part} {ident}: the store has the record but the audit ledger has no entry for it",
                                 hint="run `secplan audit verify`")
        self.files.update(files)
        self.parts.append(PartEntry(part=part, id=ident, files=sorted(files), entries=sorted({e.seq for e in entries})))

    @property
    def seqs(self) -> list[int]:
        return sorted({s for p in self.parts for s in p.entries})


def collect(store: Store, version: ModelVersion, project_id: str, ledger_vkey: str,
            model_key: PublicKey | None) -> Collected:
    """Every part of ``version``'s evidence (keys first), with the ledger entries of each."""
    ref, target = version.ref, f"model:{version.ref}"
    model_entries = about(store, [target], MODEL_ACTIONS)
    by_action: dict[str, list[Entry]] = {}
    for entry in model_entries:
        if entry.outcome == "success":
            by_action.setdefault(entry.action, []).append(entry)
    out = Collected()
    keys = {fmt.LEDGER_KEY: (ledger_vkey + "\n").encode("ascii")}
    if model_key is not None:
        keys[fmt.MODEL_KEY] = model_key.pem()
    attestations = _attestations(store, project_id, ref)
    for record in attestations:
        keys[attestation_key_file(record["public_key"])] = _row_key_pem(record["public_key"])
    out.add("keys", "keys", keys, [], need_entry=False)

    register = [e for e in by_action.get("model.register", []) if _details(e).get("digest") == f"sha256:{version.root_digest}"]
    record = version.to_dict()
    lineage, scan = record.pop("lineage"), record.pop("scan_report")
    out.add("model", ref, {fmt.VERSION_FILE: document(record), "model/card.json": document(_card(version))}, register)
    if version.bundle is not None:
        signed = [e for e in by_action.get("model.sign", []) if "refused" not in _details(e)][-1:]
        files = {fmt.SIGNATURE_FILE: version.bundle.encode("utf-8")}
        if version.lineage_bundle:
            files[fmt.LINEAGE_SIGNATURE_FILE] = version.lineage_bundle.encode("utf-8")
        out.add("signature", ref, files, signed)
    out.add("lineage", ref, {fmt.LINEAGE_FILE: document(lineage)}, register)
    out.add("scan", ref, {fmt.SCAN_FILE: document({"verdict": version.scan_verdict, "report": scan})}, register)
    _evaluations(store, version, by_action.get("model.evaluate", []), out)
    for item in attestations:
        entries = about(store, [f"attestation:{item['id']}"], ["attest.create"])
        out.add("attestation", str(item["id"]), {f"attestations/{item['id']}.json": document(item)}, entries)
    _approvals(store, project_id, target, out)
    _promotions(store, version, by_action.get("model.promote", []), out)
    _served(store, version, by_action.get("model.serve", []), out)
    _incidents(store, project_id, version, out)
    return out


def _details(entry: Entry) -> dict[str, Any]:
    data = json.loads(entry.details)
    return data if isinstance(data, dict) else {}


def _card(version: ModelVersion) -> dict[str, Any]:
    from secplan.model.card.build import build_card

    return build_card(version)


def _row_key_pem(raw_b64: str) -> bytes:
    from secplan.crypto.keys.interface import KeyType
    from secplan.crypto.keys.signer import PublicKey

    raw = base64.b64decode(raw_b64)
    return PublicKey(KeyType.ED25519 if len(raw) == 32 else KeyType.ECDSA_P256, raw).pem()


def _evaluations(store: Store, version: ModelVersion, entries: list[Entry], out: Collected) -> None:
    from secplan.model.evaluate.records import EvaluationRow
    from secplan.projects import project_of

    digest = f"sha256:{version.root_digest}"
    with store.session() as session:
        rows = session.scalars(select(EvaluationRow).where(
            EvaluationRow.project_id == project_of(store).id, EvaluationRow.name == version.name,
            EvaluationRow.version == version.version, EvaluationRow.digest == digest).order_by(EvaluationRow.id)).all()
        found = [(r.id, {"id": r.id, "model": version.ref, "digest": r.digest, "passed": r.passed,
                         "created": r.created.isoformat(), "created_by": r.created_by, "signing_key": r.signing_key,
                         "result": json.loads(r.result)}, r.attestation) for r in rows]
    for row_id, record, attestation in found:
        files = {f"evaluations/{row_id}.json": document(record)}
        if attestation:
            files[f"evaluations/{row_id}.sigstore.json"] = attestation.encode("utf-8")
        mine = [e for e in entries if _details(e).get("evaluation") == row_id]
        out.add("evaluation", str(row_id), files, mine)


def _attestations(store: Store, project_id: str, ref: str) -> list[dict[str, Any]]:
    """Signed attestations whose statement or evidence names the version (``fraud@1``)."""
    from secplan.compliance.attestations import all_attestations

    pattern = re.compile(rf"(?<![\w.@-]){re.escape(ref)}(?![\w.@+-])")
    keep = ("id", "control", "statement", "evidence", "evidence_sha256", "attester", "created_at", "expires",
            "public_key", "signature")
    return [{k: a[k] for k in keep} | {"project_id": project_id}
            for a in all_attestations(store, project_id, dt.date.today())
            if pattern.search(a["statement"]) or pattern.search(a["evidence"])]


def _approvals(store: Store, project_id: str, target: str, out: Collected) -> None:
    from secplan.human.approvals import all_requests

    for request in all_requests(store, project_id):
        if request["target"] == target:
            entries = about(store, [f"approval:{request['id']}"], APPROVAL_ACTIONS)
            out.add("approval", str(request["id"]), {f"approvals/{request['id']}.json": document(request)}, entries)


def _promotions(store: Store, version: ModelVersion, entries: list[Entry], out: Collected) -> None:
    """Each accepted promotion, paired in order with the ledger's accepted ``model.promote`` of its stage."""
    from secplan.model.registry.versions import promotions

    pending: dict[str, list[Entry]] = {}
    for entry in entries:
        pending.setdefault(str(_details(entry).get("stage")), []).append(entry)
    mine = [p for p in promotions(store, version.name) if p["version"] == version.version]
    for number, promotion in enumerate(mine, 1):
        queue = pending.get(promotion["stage"], [])
        found = [queue.pop(0)] if queue else []
        record = {"number": number, "model": version.ref, **{k: promotion[k] for k in
                                                           ("stage", "promoted_at", "promoted_by", "gates", "approval")}}
        out.add("promotion", str(number), {f"promotions/{number}.json": document(record)}, found)


def _served(store: Store, version: ModelVersion, entries: list[Entry], out: Collected) -> None:
    """Each gateway run of the version, paired in order with the ledger's ``model.serve`` entries."""
    from secplan.model.monitor.records import ServedRow
    from secplan.projects import project_of

    with store.session() as session:
        rows = session.scalars(select(ServedRow).where(ServedRow.project_id == project_of(store).id,
                                                       ServedRow.model == version.ref).order_by(ServedRow.id)).all()
        runs = [{"id": r.id, "model": r.model, "requested": r.requested, "digest": r.digest, "host": r.host,
                 "port": r.port, "auth": r.auth, "tls": r.tls, "validation": r.validation, "monitoring": r.monitoring,
                 "started_at": r.started_at.isoformat(),
                 "stopped_at": r.stopped_at.isoformat() if r.stopped_at else None} for r in rows]
    queue = list(entries)
    for run in runs:
        index = next((i for i, e in enumerate(queue) if _details(e).get("digest") == run["digest"]), None)
        found = [queue.pop(index)] if index is not None else []
        out.add("served", str(run["id"]), {f"served/{run['id']}.json": document(run)}, found)


def _incidents(store: Store, project_id: str, version: ModelVersion, out: Collected) -> None:
    """Incidents whose assets name the version (``model:fraud@1``) or the model as a whole (``model:fraud``)."""
    from secplan.human.incidents import all_incidents
    from secplan.human.records import IncidentEvent

    names = {f"model:{version.ref}", version.ref, f"model:{version.name}"}
    for incident in all_incidents(store, project_id):
        if not names & set(incident["assets"]):
            continue
        incident.pop("clock", None)  # depends on the time of export, not on the record
        with store.session() as session:
            events = session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident["id"])
                                     .order_by(IncidentEvent.at, IncidentEvent.id)).all()
            incident["timeline"] = [{"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "text": e.text}
                                    for e in events]
        entries = about(store, [f"incident:{incident['id']}"], INCIDENT_ACTIONS)
        out.add("incident", str(incident["id"]), {f"incidents/{incident['id']}.json": document(incident)}, entries)
