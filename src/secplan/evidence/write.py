"""Exporting a model version's evidence bundle: collect, seal in the ledger, prove, check, write.

The export is itself a ledger entry (``evidence.export``) whose details commit to the manifest's
sealed contents; every event's entry, the export's included, is then proved against one signed
checkpoint read once, so the proofs agree even while others append. The bundle is verified in
memory, exactly as an auditor will, before it is written (atomically); one that would not verify is
never written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secplan.archive import digests, write_zip, zip_bytes
from secplan.errors import IntegrityError
from secplan.evidence import format as fmt
from secplan.evidence.collect import collect, document
from secplan.evidence.format import Manifest, Project, Sealed, part_labels, sealed_digest

if TYPE_CHECKING:
    from secplan.crypto.keys.signer import PublicKey
    from secplan.store.db import Store


def export(store: Store, ref: str, out: Path) -> dict[str, Any]:
    """Write the evidence bundle of ``ref`` (``NAME@VERSION``) to ``out``; returns a summary.

    Needs read access to the model, the ledger, approvals, incidents and attestations
    (PermissionDenied, exit 3, otherwise); the entry recording the export names the acting
    identity, so the server calls this inside ``access.acting(identity)``."""
    files, manifest = build(store, ref, out.name)
    write_zip(out, files)
    return {"bundle": str(out), **_summary(manifest, files)}


def _summary(manifest: Manifest, files: dict[str, bytes]) -> dict[str, Any]:
    return {"model": manifest.sealed.model, "digest": manifest.sealed.digest,
            "parts": part_labels(manifest.sealed.parts), "entries": len(_seqs(manifest)),
            "export_entry": manifest.export_entry, "files": len(files)}


def export_bytes(store: Store, ref: str, name: str) -> tuple[bytes, dict[str, Any]]:
    """The bundle of ``ref`` as zip bytes (what a server sends as the download ``name``) and its summary."""
    files, manifest = build(store, ref, name)
    return zip_bytes(files), {"bundle": name, **_summary(manifest, files)}


def build(store: Store, ref: str, name: str = "bundle") -> tuple[dict[str, bytes], Manifest]:
    """The bundle's members (name -> bytes) and its manifest, verified; nothing is written to disk."""
    from secplan.access import require
    from secplan.ledger import record
    from secplan.ledger.note import origin_for, vkey
    from secplan.ledger.proof import ensure_tiles, signed_head
    from secplan.ledger.signing import origin_of
    from secplan.model.registry.refs import parse_ref
    from secplan.model.registry.versions import get_version

    model_name, _ = parse_ref(ref)
    who = require(store, "read", f"model:{model_name}")
    for kind in ("ledger", "approval", "incident", "attestation"):  # the bundle holds records of each
        require(store, "read", kind)
    version = get_version(store, ref, exact=True)
    public, head = signed_head(store)
    origin = origin_of(head) or origin_for(who.project.id)
    collected = collect(store, version, who.project.id, vkey(origin, public), _model_key(store, version.signing_key))
    sealed = Sealed(model=version.ref, digest=f"sha256:{version.root_digest}",
                    project=Project(id=who.project.id, name=who.project.name), origin=origin,
                    parts=collected.parts, files=digests(collected.files))
    export_seq = record(store, action=fmt.EXPORT_ACTION, obj=f"model:{version.ref}",
                        details={"model": version.ref, "digest": sealed.digest, "parts": part_labels(sealed.parts),
                                 "contents_sha256": sealed_digest(sealed), "bundle": name})
    ensure_tiles(store)
    files = dict(collected.files)
    files[fmt.CHECKPOINT], files[fmt.ENTRIES] = _proofs(store, [*collected.seqs, export_seq])
    manifest = Manifest(format=fmt.FORMAT, version=fmt.VERSION, sealed=sealed, export_entry=export_seq,
                        ledger=digests({k: files[k] for k in (fmt.CHECKPOINT, fmt.ENTRIES)}))
    files[fmt.MANIFEST] = document(manifest.model_dump(mode="json"))
    _self_check(files)
    return files, manifest


def _seqs(manifest: Manifest) -> set[int]:
    return {s for p in manifest.sealed.parts for s in p.entries} | {manifest.export_entry}


def _model_key(store: Store, signing_key: str | None) -> PublicKey | None:
    """The public key that signed the version (from the keystore index: no passphrase, no HSM PIN)."""
    if signing_key is None:
        return None
    from secplan.crypto.keys.manager import KeyManager
    from secplan.crypto.keys.signer import PublicKey

    pem = KeyManager.for_project(store.home.parent).export_public(signing_key)
    return PublicKey.from_pem(pem, f"key {signing_key}")


def _proofs(store: Store, seqs: list[int]) -> tuple[bytes, bytes]:
    """The signed checkpoint (read once, after the export entry) and each entry with its inclusion proof."""
    from secplan.ledger.proof import inclusion_proof, signed_head

    head = signed_head(store)
    checkpoint = head[1]
    if checkpoint is None or checkpoint.note is None:
        raise IntegrityError("the audit ledger has no signed checkpoint note to prove the evidence against")
    lines = []
    for seq in sorted(set(seqs)):
        proof = inclusion_proof(store, seq, head=head)
        lines.append(json.dumps({**proof.entry.to_json(), "tree_size": proof.checkpoint.tree_size,
                                 "audit_path": proof.path}, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    return checkpoint.note.encode("utf-8"), ("\n".join(lines) + "\n").encode("utf-8")


def _self_check(files: dict[str, bytes]) -> None:
    from secplan.evidence.verify import verify_members

    report = verify_members(files, [])
    if not report.ok:
        raise IntegrityError(f"the evidence bundle would not verify, so it was not written: {report.failure}",
                             hint="run `secplan audit verify` and `secplan model verify` to find the damage")
