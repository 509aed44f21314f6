"""One check per kind of part: its files against the signatures over them and against the ledger
entries (already proved against the signed checkpoint) that recorded the event.

Each check raises :class:`Fail` naming the part, the entry and what did not match; it reads only the
bundle's members and the trusted public keys.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from secplan.crypto.keys.signer import PublicKey
from secplan.errors import InputError, SecplanError
from secplan.evidence import format as fmt
from secplan.evidence.format import Manifest, PartEntry
from secplan.ledger.entry import Entry

T = TypeVar("T")


class Fail(Exception):
    """The first thing that does not verify: which part, which ledger entry (if one), what did not match."""

    def __init__(self, part: str, entry: int | None, message: str) -> None:
        super().__init__(message)
        self.part, self.entry, self.message = part, entry, message

    def to_json(self) -> dict[str, Any]:
        return {"part": self.part, "entry": self.entry, "message": self.message}

    def __str__(self) -> str:
        where = self.part + (f" (ledger entry {self.entry})" if self.entry is not None else "")
        return f"{where}: {self.message}"


@dataclass
class Context:
    manifest: Manifest
    files: dict[str, bytes]
    keys: dict[str, list[PublicKey]]
    entries: dict[int, Entry] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    signed: dict[str, Any] = field(default_factory=dict)
    """The model manifest's ``secplan`` extension, once the signature part verified."""
    sources: dict[str, str] = field(default_factory=dict)
    """Where each role's trusted keys came from (``bundle keys/...`` or ``--key FILE``), for messages."""

    def doc(self, name: str) -> dict[str, Any]:
        try:
            data = json.loads(self.files[name].decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"{name} is not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise InputError(f"{name} is not a JSON object")
        return data

    @property
    def ref(self) -> str:
        return self.manifest.sealed.model

    @property
    def digest(self) -> str:
        return self.manifest.sealed.digest

    def with_model_key(self, part: PartEntry, where: str, check: Callable[[bytes], T]) -> T:
        """``check(pem)`` with the first trusted model key it succeeds with (an auditor may pin
        several, a rotated one among them); a Fail naming ``where`` and the keys when none does."""
        if not self.keys["model"]:
            raise Fail(part.label, None, "no model signing key: the bundle has none and none was given with --key model=FILE")
        problem = ""
        for key in self.keys["model"]:
            try:
                return check(key.pem())
            except SecplanError as exc:
                problem = exc.message
        prefix = "" if problem.startswith(where) else f"{where}: "
        raise Fail(part.label, None, f"{prefix}{problem} (model key: {self.sources.get('model')})")


def details_of(entry: Entry) -> dict[str, Any]:
    data = json.loads(entry.details)
    return data if isinstance(data, dict) else {}


def _entries(ctx: Context, part: PartEntry, actions: tuple[str, ...], obj: str) -> list[tuple[Entry, dict[str, Any]]]:
    """The part's entries, each checked to record one of ``actions`` on ``obj``."""
    if not part.entries:
        raise Fail(part.label, None, "no ledger entry records it")
    out = []
    for seq in part.entries:
        entry = ctx.entries[seq]
        if entry.action not in actions or entry.object != obj:
            raise Fail(part.label, seq, f"entry {seq} records {entry.action} on {entry.object}, "
                                        f"not {' or '.join(actions)} on {obj}")
        out.append((entry, details_of(entry)))
    return out


def _shown(value: Any, width: int = 100) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _same(part: PartEntry, seq: int | None, what: str, bundle: Any, recorded: Any, by: str) -> None:
    if bundle != recorded:
        raise Fail(part.label, seq, f"{what} is {_shown(bundle)} in the bundle but {_shown(recorded)} in {by}")


def _keys(ctx: Context, part: PartEntry) -> None:
    """Parsed and chosen before the ledger was checked; here only what the bundle holds is noted."""
    if any(p.part == "signature" for p in ctx.manifest.sealed.parts) and not ctx.keys["model"]:
        raise Fail("keys", None, f"the version is signed but the bundle has no {fmt.MODEL_KEY}")


def _model(ctx: Context, part: PartEntry) -> None:
    from secplan.model.registry.hashing import FileDigest, TreeDigest

    record = ctx.doc(fmt.VERSION_FILE)
    _same(part, None, "the version", f"{record.get('name')}@{record.get('version')}", ctx.ref, fmt.MANIFEST)
    _same(part, None, "the digest", record.get("digest"), ctx.digest, fmt.MANIFEST)
    try:
        files = {n: FileDigest.from_dict(n, raw) for n, raw in record["file_digests"].items()}
        root = TreeDigest("model", record["method"], record.get("shard_size"), files).root_digest()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{fmt.VERSION_FILE}: malformed file digests ({exc})") from None
    _same(part, None, f"the root digest of {fmt.VERSION_FILE}'s file digests", f"sha256:{root}", ctx.digest,
          fmt.MANIFEST)
    for entry, details in _entries(ctx, part, ("model.register",), f"model:{ctx.ref}"):
        _same(part, entry.seq, "the registered digest", ctx.digest, details.get("digest"), f"entry {entry.seq}")
        _same(part, entry.seq, "the number of files", len(files), details.get("files"), f"entry {entry.seq}")
    if not any(p.part == "signature" for p in ctx.manifest.sealed.parts):
        ctx.notes.append(f"{ctx.ref} is not signed: its files are proved only by the registration's ledger entry")


def _signature(ctx: Context, part: PartEntry) -> None:
    from secplan.model.registry.lineage import digest
    from secplan.model.registry.signing import verify_bundle, verify_lineage

    text = ctx.files[fmt.SIGNATURE_FILE].decode("utf-8", "replace")
    verified = ctx.with_model_key(part, fmt.SIGNATURE_FILE, lambda pem: verify_bundle(text, pem, fmt.SIGNATURE_FILE))
    record = ctx.doc(fmt.VERSION_FILE)
    signed_files = {n: f.content for n, f in verified.files.items()}
    registered = {n: (raw.get("sha256") or tuple(tuple(s) for s in raw.get("shards", [])))
                  for n, raw in record.get("file_digests", {}).items()}
    if signed_files != registered:
        changed = sorted(set(signed_files) ^ set(registered)) or \
            sorted(n for n in signed_files if signed_files[n] != registered.get(n))
        raise Fail(part.label, None, f"the signed manifest and {fmt.VERSION_FILE} differ (first: {changed[0]})")
    ext = ctx.signed = verified.extension
    _same(part, None, "the signed version", ctx.ref, ext.get("registry"), fmt.SIGNATURE_FILE)
    card = digest(ctx.doc("model/card.json"))
    _same(part, None, "the model card's digest", card, ext.get("card_sha256"), fmt.SIGNATURE_FILE)
    if fmt.LINEAGE_SIGNATURE_FILE in part.files:
        lineage = ctx.files[fmt.LINEAGE_SIGNATURE_FILE].decode("utf-8", "replace")
        statement = ctx.with_model_key(part, fmt.LINEAGE_SIGNATURE_FILE, lambda pem: verify_lineage(lineage, pem))
        subject = (statement.get("subject") or [{}])[0].get("digest", {}).get("sha256")
        _same(part, None, "the lineage statement's subject", f"sha256:{subject}", ctx.digest, fmt.MANIFEST)
    for entry, details in _entries(ctx, part, ("model.sign",), f"model:{ctx.ref}"):
        _same(part, entry.seq, "the signed digest", ctx.digest, details.get("digest"), f"entry {entry.seq}")
        _same(part, entry.seq, "the card digest", ext.get("card_sha256"), details.get("card_sha256"), f"entry {entry.seq}")
        _same(part, entry.seq, "the lineage digest", ext.get("lineage_sha256"), details.get("lineage_sha256"),
              f"entry {entry.seq}")


def _lineage(ctx: Context, part: PartEntry) -> None:
    from secplan.model.registry.lineage import digest

    lineage = ctx.doc(fmt.LINEAGE_FILE)
    mine = digest(lineage)
    if ctx.signed:
        _same(part, None, "the lineage's SHA-256", mine, ctx.signed.get("lineage_sha256"), fmt.SIGNATURE_FILE)
    datasets = [f"{d.get('name')}@{d.get('version')}" for d in lineage.get("datasets", []) if isinstance(d, dict)]
    for entry, details in _entries(ctx, part, ("model.register",), f"model:{ctx.ref}"):
        _same(part, entry.seq, "the lineage's SHA-256", mine, details.get("lineage_digest"), f"entry {entry.seq}")
        _same(part, entry.seq, "the datasets", datasets, details.get("datasets"), f"entry {entry.seq}")
        _same(part, entry.seq, "the code commit", lineage.get("code_ref"), details.get("code_ref"), f"entry {entry.seq}")


def _scan(ctx: Context, part: PartEntry) -> None:
    verdict = ctx.doc(fmt.SCAN_FILE).get("verdict")
    for entry, details in _entries(ctx, part, ("model.register",), f"model:{ctx.ref}"):
        _same(part, entry.seq, "the scan verdict", verdict, details.get("scan"), f"entry {entry.seq}")


def _evaluation(ctx: Context, part: PartEntry) -> None:
    from secplan.model.evaluate.results import result_digest
    from secplan.model.registry.signing import EVALUATION_PREDICATE, verify_statement

    record = ctx.doc(f"evaluations/{part.id}.json")
    result = record.get("result")
    if not isinstance(result, dict):
        raise InputError(f"evaluations/{part.id}.json: no result document")
    mine = result_digest(result)
    _same(part, None, "the evaluated digest", record.get("digest"), ctx.digest, fmt.MANIFEST)
    for entry, details in _entries(ctx, part, ("model.evaluate",), f"model:{ctx.ref}"):
        _same(part, entry.seq, "the evaluation id", int(part.id), details.get("evaluation"), f"entry {entry.seq}")
        _same(part, entry.seq, "the result's SHA-256", mine, details.get("result_sha256"), f"entry {entry.seq}")
        _same(part, entry.seq, "the verdict", record.get("passed"), details.get("passed"), f"entry {entry.seq}")
    bundle = f"evaluations/{part.id}.sigstore.json"
    if bundle not in part.files:
        ctx.notes.append(f"{part.label} is not attested (its ledger entry is the only record of it)")
        return
    text = ctx.files[bundle].decode("utf-8", "replace")
    statement = ctx.with_model_key(part, bundle, lambda pem: verify_statement(text, pem, EVALUATION_PREDICATE))
    predicate = statement.get("predicate") or {}
    subject = (statement.get("subject") or [{}])[0].get("digest", {}).get("sha256")
    _same(part, None, "the attested subject", f"sha256:{subject}", ctx.digest, fmt.MANIFEST)
    _same(part, None, "the result's SHA-256", mine, predicate.get("result_sha256"), bundle)
    _same(part, None, "the attested version", ctx.ref, predicate.get("model"), bundle)


def _attestation(ctx: Context, part: PartEntry) -> None:
    from secplan.compliance.attestations import payload
    from secplan.compliance.records import Attestation

    record = ctx.doc(f"attestations/{part.id}.json")
    try:
        raw = base64.b64decode(record["public_key"], validate=True)
        signature = base64.b64decode(record["signature"], validate=True)
        row = Attestation(project_id=record["project_id"], control=record["control"], statement=record["statement"],
                          evidence=record["evidence"], evidence_sha256=record["evidence_sha256"],
                          attester=record["attester"], created_at=dt.datetime.fromisoformat(record["created_at"]),
                          expires=dt.date.fromisoformat(record["expires"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"attestations/{part.id}.json: malformed attestation ({exc})") from None
    key = next((k for k in ctx.keys["attestation"] if k.raw == raw), None)
    if key is None:
        raise Fail(part.label, None, "signed by a key that is not a trusted attestation key")
    names = [None, ctx.manifest.sealed.project.name]  # attestations from before project ids were signed by name
    if not any(key.verify(signature, payload(row, legacy)) for legacy in names):
        raise Fail(part.label, None, "the attestation's signature does not match its content")
    for entry, details in _entries(ctx, part, ("attest.create",), f"attestation:{part.id}"):
        _same(part, entry.seq, "the control", record["control"], details.get("control"), f"entry {entry.seq}")
        _same(part, entry.seq, "the evidence SHA-256", record["evidence_sha256"], details.get("evidence_sha256"),
              f"entry {entry.seq}")
        _same(part, entry.seq, "the expiry", record["expires"], details.get("expires"), f"entry {entry.seq}")


def _approval(ctx: Context, part: PartEntry) -> None:
    record = ctx.doc(f"approvals/{part.id}.json")
    _same(part, None, "the approval's target", record.get("target"), f"model:{ctx.ref}", fmt.MANIFEST)
    entries = _entries(ctx, part, ("approval.request", "approval.approve", "approval.reject", "approval.use"),
                       f"approval:{part.id}")
    actions = {e.action: (e, d) for e, d in entries}
    if "approval.request" not in actions:
        raise Fail(part.label, None, "no approval.request entry records the request")
    entry, details = actions["approval.request"]
    _same(part, entry.seq, "the requester", record.get("requester"), entry.actor, f"entry {entry.seq}")
    _same(part, entry.seq, "the requested action", record.get("action"), details.get("action"), f"entry {entry.seq}")
    _same(part, entry.seq, "the target", record.get("target"), details.get("target"), f"entry {entry.seq}")
    decision = {"approved": "approval.approve", "rejected": "approval.reject"}.get(str(record.get("state")))
    if decision is not None:
        if decision not in actions:
            raise Fail(part.label, None, f"the request is {record.get('state')} but no {decision} entry records it")
        entry, details = actions[decision]
        _same(part, entry.seq, "the decider", record.get("decided_by"), entry.actor, f"entry {entry.seq}")
        _same(part, entry.seq, "the requester", record.get("requester"), details.get("requester"), f"entry {entry.seq}")
        if decision == "approval.approve" and entry.actor == record.get("requester"):
            ctx.notes.append(f"{part.label} was approved by its own requester (allowed only outside the two-person rule)")
    if record.get("used_at") and "approval.use" not in actions:
        raise Fail(part.label, None, "the request was used but no approval.use entry records it")


def _promotion(ctx: Context, part: PartEntry) -> None:
    record = ctx.doc(f"promotions/{part.id}.json")
    approval = record.get("approval")
    for entry, details in _entries(ctx, part, ("model.promote",), f"model:{ctx.ref}"):
        if entry.outcome != "success":
            raise Fail(part.label, entry.seq, f"entry {entry.seq} records a refused promotion")
        _same(part, entry.seq, "the stage", record.get("stage"), details.get("stage"), f"entry {entry.seq}")
        _same(part, entry.seq, "the list of gates", record.get("gates"), details.get("gates"), f"entry {entry.seq}")
        _same(part, entry.seq, "the approval used", approval, details.get("approval"), f"entry {entry.seq}")
    if approval is not None and not any(p.part == "approval" and p.id == str(approval) for p in ctx.manifest.sealed.parts):
        raise Fail(part.label, None, f"it used approval {approval}, which the bundle does not hold")


def _served(ctx: Context, part: PartEntry) -> None:
    record = ctx.doc(f"served/{part.id}.json")
    _same(part, None, "the served version", record.get("model"), ctx.ref, fmt.MANIFEST)
    for entry, details in _entries(ctx, part, ("model.serve",), f"model:{ctx.ref}"):
        _same(part, entry.seq, "the served digest", record.get("digest"), details.get("digest"), f"entry {entry.seq}")
    if record.get("digest") != ctx.digest:  # proved, so not a forgery: a finding for the auditor, not a failure
        ctx.notes.append(f"warning: {part.label}: the gateway served {record.get('digest')}, "
                         f"not the registered digest {ctx.digest}")


def _incident(ctx: Context, part: PartEntry) -> None:
    record = ctx.doc(f"incidents/{part.id}.json")
    name = ctx.ref.split("@", 1)[0]
    if not {f"model:{ctx.ref}", ctx.ref, f"model:{name}"} & set(record.get("assets") or []):
        raise Fail(part.label, None, f"its assets {record.get('assets')!r} do not name {ctx.ref}")
    entries = _entries(ctx, part, ("incident.open", "incident.drill", "incident.update", "incident.close"),
                       f"incident:{part.id}")
    opened = [(e, d) for e, d in entries if e.action in ("incident.open", "incident.drill")]
    if not opened:
        raise Fail(part.label, None, "no incident.open entry records its opening")
    entry, details = opened[0]
    _same(part, entry.seq, "the type", record.get("type"), details.get("type"), f"entry {entry.seq}")
    _same(part, entry.seq, "the severity", record.get("severity"), details.get("severity"), f"entry {entry.seq}")
    closed = any(e.action == "incident.close" for e, _ in entries)
    if not record.get("drill"):  # a drill is recorded closed when it is written down, without a close entry
        _same(part, None, "the state", record.get("state"), "closed" if closed else "open", "its ledger entries")


CHECKS: dict[str, Callable[[Context, PartEntry], None]] = {
    "keys": _keys, "model": _model, "signature": _signature, "lineage": _lineage, "scan": _scan,
    "evaluation": _evaluation, "attestation": _attestation, "approval": _approval, "promotion": _promotion,
    "served": _served, "incident": _incident,
}
