"""Verifying an evidence bundle with nothing but the bundle and public keys: no store, no network.

The order is fixed and the first failure stops it, so the report names one thing: the manifest and
the member digests, the keys (pinned with ``--key`` or taken from the bundle, and the report says
which), the checkpoint's signature, every ledger entry's hash and inclusion proof, the export entry
that lists the parts, each part against its signatures and ledger entries, and last the seal (the
export entry's digest of the manifest's ``sealed`` member). A bundle that cannot be read at all, or
whose documents have the wrong shape, is an InputError (exit 2), never a verification failure.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secplan.archive import read_zip, sha256_hex
from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.signer import PublicKey
from secplan.errors import InputError
from secplan.evidence import format as fmt
from secplan.evidence.checks import CHECKS, Context, Fail, details_of
from secplan.evidence.format import Manifest, part_labels, sealed_digest
from secplan.ledger.entry import Entry, canonical_json
from secplan.ledger.merkle import verify_inclusion
from secplan.ledger.note import open_checkpoint, parse_vkey


@dataclass(frozen=True)
class Pin:
    """A key the auditor trusts for ``role`` (ledger, model, attestation), and where it came from."""

    role: str
    key: PublicKey
    source: str


@dataclass(frozen=True)
class TrustedKey:
    role: str
    fingerprint: str
    """SHA-256 of the key's PEM (SubjectPublicKeyInfo), as model-signing bundles name their key."""
    source: str
    pinned: bool


@dataclass
class Report:
    """The outcome: ``failure`` is None when everything verified."""

    model: str = ""
    digest: str = ""
    keys: list[TrustedKey] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entries: int = 0
    tree_size: int = 0
    root_hash: str = ""
    exported_by: str = ""
    exported_at: str = ""
    """Who exported the bundle and when, from the (proved) export entry."""
    failure: Fail | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    def to_json(self) -> dict[str, Any]:
        return {"verified": self.ok, "model": self.model, "digest": self.digest,
                "keys": [{"role": k.role, "sha256": k.fingerprint, "source": k.source, "pinned": k.pinned}
                         for k in self.keys],
                "parts_verified": self.verified, "ledger": {"entries": self.entries, "tree_size": self.tree_size,
                                                             "root_hash": self.root_hash},
                "exported_by": self.exported_by, "exported_at": self.exported_at,
                "notes": self.notes,
                "failure": None if self.failure is None else self.failure.to_json()}


def fingerprint(key: PublicKey) -> str:
    return hashlib.sha256(key.pem()).hexdigest()


def read_key_file(role: str, path: Path) -> Pin:
    """A key an auditor pins: PEM (any role), or a note verifier key line (the ledger's)."""
    if role not in fmt.KEY_ROLES:
        raise InputError(f"--key {role}=...: the role is one of {', '.join(fmt.KEY_ROLES)}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"--key {role}={path}: cannot read it ({exc.strerror})") from None
    if raw.lstrip().startswith(b"-----BEGIN"):
        key = PublicKey.from_pem(raw, f"--key {role}={path}")
    elif role == "ledger" and (parsed := _vkey(raw.decode("utf-8", "replace"))) is not None:
        key = parsed[1]
    else:
        raise InputError(f"--key {role}={path}: not a PEM public key" + (" or a verifier key line" if role == "ledger" else ""))
    if role == "model" and key.type is not KeyType.ECDSA_P256:
        raise InputError(f"--key model={path}: model signatures are made with ecdsa-p256 keys, this is {key.type}")
    return Pin(role, key, f"--key {path}")


def _vkey(text: str) -> tuple[str, PublicKey] | None:
    """The key name and key of a verifier key line (None if it is not one, or its id is not its key's)."""
    public = parse_vkey(text)
    return None if public is None else (text.strip().partition("+")[0], public)


def verify_file(path: Path, pins: list[Pin] | None = None) -> Report:
    """Verify the bundle at ``path``; InputError when it is not a readable bundle."""
    return verify_members(read_zip(path, what="evidence bundle"), pins or [])


def verify_members(files: dict[str, bytes], pins: list[Pin]) -> Report:
    """Verify a bundle's members (name -> bytes); what :func:`verify_file` and the exporter's self-check run."""
    if fmt.MANIFEST not in files:
        raise InputError(f"not an evidence bundle: it has no {fmt.MANIFEST}")
    manifest = fmt.parse_manifest(files[fmt.MANIFEST])
    report = Report(model=manifest.sealed.model, digest=manifest.sealed.digest)
    try:
        _members(manifest, files)
        ctx = Context(manifest, files, _keys(manifest, files, pins, report))
        ctx.sources = {role: ", ".join(k.source for k in report.keys if k.role == role) for role in fmt.KEY_ROLES}
        _ledger(ctx, report)
        _export_entry(ctx)
        export_entry = ctx.entries[manifest.export_entry]
        report.exported_by, report.exported_at = export_entry.actor, export_entry.timestamp
        for part in manifest.sealed.parts:
            try:
                CHECKS[part.part](ctx, part)
            except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:  # hostile documents
                raise InputError(f"{part.label}: its documents do not have the bundle's shape "
                                 f"({type(exc).__name__}: {exc})") from None
            report.verified.append(part.label)
        report.notes.extend(ctx.notes)
        _seal(ctx)
    except Fail as failure:
        report.failure = failure
    return report


def _members(manifest: Manifest, files: dict[str, bytes]) -> None:
    listed = manifest.all_files()
    for name in files:
        if name != fmt.MANIFEST and name not in listed:
            raise Fail("bundle", None, f"{name} is in the bundle but not listed in {fmt.MANIFEST}")
    owner = {name: part.label for part in manifest.sealed.parts for name in part.files}
    unsealed = sorted(set(owner) ^ set(manifest.sealed.files))
    if unsealed:
        raise Fail("manifest", None, f"{unsealed[0]} is listed in the sealed files but not in a part, or the other way round")
    for part in manifest.sealed.parts:
        required, allowed = fmt.expected_files(part)
        if required - set(part.files) or set(part.files) - required - allowed:
            raise Fail("manifest", None, f"part {part.label} lists {', '.join(part.files) or 'no files'}; it has "
                                         f"{', '.join(sorted(required))} and may have {', '.join(sorted(allowed)) or 'nothing else'}")
    kinds = [p.part for p in manifest.sealed.parts]
    for kind in fmt.SINGLE:
        count = kinds.count(kind)
        if count > 1 or (count == 0 and kind != "signature"):
            raise Fail("manifest", None, f"a bundle has {'at most ' if kind == 'signature' else ''}one {kind} part, "
                                         f"this one has {count}")
    order = [(fmt.PART_ORDER.index(p.part), _id_key(p.id)) for p in manifest.sealed.parts]
    for index in range(1, len(order)):
        if order[index] <= order[index - 1]:
            part = manifest.sealed.parts[index]
            raise Fail("manifest", None, f"the parts are out of order: {part.label} comes after a part it must precede")
    for name, digest in listed.items():
        where = owner.get(name, "ledger")
        if name not in files:
            raise Fail(where, None, f"{name} is missing from the bundle")
        if sha256_hex(files[name]) != digest:
            raise Fail(where, None, f"{name} does not match its SHA-256 in {fmt.MANIFEST}")


def _id_key(ident: str) -> tuple[int, str]:
    return (int(ident), "") if ident.isdigit() else (-1, ident)


def _keys(manifest: Manifest, files: dict[str, bytes], pins: list[Pin], report: Report) -> dict[str, list[PublicKey]]:
    """The keys each role trusts: the pinned ones when the auditor pinned that role, else the bundle's."""
    found: dict[str, list[tuple[PublicKey, str]]] = {role: [] for role in fmt.KEY_ROLES}
    keys_part = next((p for p in manifest.sealed.parts if p.part == "keys"), None)
    for name in keys_part.files if keys_part else []:
        text = files[name]
        if name == fmt.LEDGER_KEY:
            parsed = _vkey(text.decode("utf-8", "replace"))
            if parsed is None:
                raise InputError(f"{name}: not a verifier key line (<name>+<key id>+<base64 key>)")
            if parsed[0] != manifest.sealed.origin:
                raise Fail("keys", None, f"{name} names the key {parsed[0]!r}, not the ledger {manifest.sealed.origin!r}")
            found["ledger"].append((parsed[1], f"bundle {name}"))
        else:
            role = "model" if name == fmt.MODEL_KEY else "attestation"
            key = PublicKey.from_pem(text, name)
            if role == "model" and key.type is not KeyType.ECDSA_P256:
                raise Fail("keys", None, f"{name} is an {key.type} key; model signatures are made with ecdsa-p256 keys")
            found[role].append((key, f"bundle {name}"))
    trusted: dict[str, list[PublicKey]] = {}
    for role in fmt.KEY_ROLES:
        pinned = [(p.key, p.source) for p in pins if p.role == role]
        chosen = pinned or found[role]
        trusted[role] = [k for k, _ in chosen]
        report.keys.extend(TrustedKey(role, fingerprint(k), source, bool(pinned)) for k, source in chosen)
    if not trusted["ledger"]:
        raise Fail("keys", None, f"no ledger key: the bundle has no {fmt.LEDGER_KEY} and none was given with --key ledger=FILE")
    return trusted


def _ledger(ctx: Context, report: Report) -> None:
    """The checkpoint's signature, then every entry: its hash, its proof, against that one signed root."""
    note = ctx.files[fmt.CHECKPOINT].decode("utf-8", "replace")
    if note.split("\n", 1)[0] != ctx.manifest.sealed.origin:
        raise Fail("checkpoint", None, f"the checkpoint is of the ledger {note.split(chr(10), 1)[0]!r}, "
                                       f"not {ctx.manifest.sealed.origin!r}")
    opened = next((o for k in ctx.keys["ledger"] if (o := open_checkpoint(note, k)) is not None), None)
    if opened is None:
        raise Fail("checkpoint", None, "the checkpoint's signature does not verify with the trusted ledger key "
                                       f"({ctx.sources['ledger']})")
    body, _signature = opened
    report.tree_size, report.root_hash = body.tree_size, body.root.hex()
    wanted = {s for p in ctx.manifest.sealed.parts for s in p.entries} | {ctx.manifest.export_entry}
    previous = 0
    for number, line in enumerate(ctx.files[fmt.ENTRIES].decode("utf-8", "replace").splitlines(), 1):
        entry, tree_size, path = _entry_line(line, number)
        if entry.seq <= previous:
            raise Fail("ledger", entry.seq, f"{fmt.ENTRIES} is out of order: entry {entry.seq} comes after {previous}")
        previous = entry.seq
        if entry.seq not in wanted:
            raise Fail("ledger", entry.seq, f"entry {entry.seq} belongs to no part of the manifest")
        if entry.computed_hash() != entry.entry_hash:
            raise Fail("ledger", entry.seq, f"entry {entry.seq}'s content does not give its hash: it was edited")
        if tree_size != body.tree_size:
            raise Fail("ledger", entry.seq, f"entry {entry.seq}'s proof is for a tree of {tree_size} entries; "
                                            f"the checkpoint signs {body.tree_size}")
        if not verify_inclusion(bytes.fromhex(entry.entry_hash), entry.seq - 1, tree_size, path, body.root):
            raise Fail("ledger", entry.seq, f"entry {entry.seq}'s inclusion proof does not lead to the signed root")
        ctx.entries[entry.seq] = entry
    missing = sorted(wanted - set(ctx.entries))
    if missing:
        raise Fail("ledger", missing[0], f"entry {missing[0]} is named by the manifest but not in {fmt.ENTRIES}")
    report.entries = len(ctx.entries)


_ENTRY_FIELDS = ("seq", "timestamp", "actor", "action", "object", "details", "outcome", "prev_hash", "entry_hash",
                 "tree_size", "audit_path")


def _entry_line(line: str, number: int) -> tuple[Entry, int, list[bytes]]:
    where = f"{fmt.ENTRIES} line {number}"
    try:
        data = json.loads(line)
    except ValueError:
        raise InputError(f"{where}: not JSON") from None
    if not isinstance(data, dict) or sorted(data) != sorted(_ENTRY_FIELDS):
        raise InputError(f"{where}: an entry has exactly the fields {', '.join(_ENTRY_FIELDS)}")
    try:
        if not all(isinstance(data[k], int) and not isinstance(data[k], bool) for k in ("seq", "tree_size")) \
                or data["seq"] < 1 or not isinstance(data["details"], dict):
            raise ValueError("seq, tree_size or details")
        texts = [data[k] for k in ("timestamp", "actor", "action", "object", "outcome", "prev_hash", "entry_hash")]
        if not all(isinstance(t, str) for t in texts) or len(data["entry_hash"]) != 64:
            raise ValueError("a text field")
        bytes.fromhex(data["entry_hash"])
        path = [bytes.fromhex(h) for h in data["audit_path"]]
        if any(len(h) != 32 for h in path):
            raise ValueError("audit_path")
    except (ValueError, TypeError) as exc:
        raise InputError(f"{where}: malformed entry ({exc})") from None
    entry = Entry(data["seq"], data["timestamp"], data["actor"], data["action"], data["object"],
                  canonical_json(data["details"]), data["outcome"], data["prev_hash"], data["entry_hash"])
    return entry, data["tree_size"], path


def _export_entry(ctx: Context) -> None:
    """The ``evidence.export`` entry names the subject and lists every part: a removed or added part shows here."""
    seq = ctx.manifest.export_entry
    entry = ctx.entries[seq]
    sealed = ctx.manifest.sealed
    if entry.action != fmt.EXPORT_ACTION or entry.object != f"model:{sealed.model}":
        raise Fail("export entry", seq, f"entry {seq} is {entry.action} on {entry.object}, not the export of {sealed.model}")
    details = details_of(entry)
    if details.get("digest") != sealed.digest:
        raise Fail("export entry", seq, f"the export sealed digest {details.get('digest')}, the manifest says {sealed.digest}")
    listed, labels = details.get("parts"), part_labels(sealed.parts)
    if listed != labels:
        listed = listed if isinstance(listed, list) else []
        gone = [p for p in listed if p not in labels]
        added = [p for p in labels if p not in listed]
        what = (f"part {gone[0]} is missing" if gone else f"part {added[0]} was added" if added
                else "the parts are in another order")
        raise Fail("export entry", seq, f"{what}: the manifest's parts are not those export entry {seq} sealed")


def _seal(ctx: Context) -> None:
    seq = ctx.manifest.export_entry
    if details_of(ctx.entries[seq]).get("contents_sha256") != sealed_digest(ctx.manifest.sealed):
        raise Fail("manifest", seq, f"the manifest's sealed contents are not those export entry {seq} sealed "
                                    "(a part's content was changed)")



