"""Signed manifests in the OpenSSF model-signing format, with keys secplan manages.

The statement is built by `model_signing`'s own manifest and payload helpers (in-toto Statement v1,
predicate ``https://model_signing/signature/v1.0``), signed as a DSSE envelope in a Sigstore bundle
(v0.3, public-key verification material) by the key's provider (local keystore or PKCS#11: the
private key never leaves it). secplan adds a ``secplan`` member to the predicate (registry version,
lineage and model-card digests), which v1.0 verifiers ignore. Verification is offline and uses the
library's verifier, so a bundle from ``model_signing sign key`` verifies here and ours verify there.
"""

from __future__ import annotations

import base64
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secplan.errors import InputError, IntegrityError
from secplan.model.registry.bundle_key import public_key_hint
from secplan.model.registry.hashing import FileDigest, TreeDigest, compare, hash_tree

if TYPE_CHECKING:
    from secplan.crypto.keys.manager import KeyManager

DEFAULT_KEY = "model-signing"
LINEAGE_PREDICATE = "https://secplan.dev/model-lineage/v1"


def _payload(tree: TreeDigest, extension: dict[str, Any] | None) -> bytes:
    """The in-toto statement's JSON bytes, exactly as model_signing serialises it."""
    from google.protobuf import json_format
    from model_signing import manifest
    from model_signing._hashing import hashing
    from model_signing._signing import signing

    args: dict[str, Any] = {"method": tree.method, "hash_type": "sha256", "allow_symlinks": False}
    if tree.shard_size:
        args["shard_size"] = tree.shard_size
    if tree.ignore_paths:
        args["ignore_paths"] = list(tree.ignore_paths)
    serialization = manifest.SerializationType.from_args(args)
    items = [serialization.new_item(name, hashing.Digest("sha256", bytes.fromhex(h)))
             for name, h in tree.resources()]
    payload = signing.Payload(manifest.Manifest(tree.model_name, items, serialization))
    if extension:
        payload.statement.pb.predicate.update({"secplan": extension})
    return json_format.MessageToJson(payload.statement.pb).encode("utf-8")


def _lineage_payload(subject: str, root_digest: str, lineage: dict[str, Any]) -> bytes:
    from google.protobuf import json_format
    from in_toto_attestation.v1 import resource_descriptor, statement

    subject_pb = resource_descriptor.ResourceDescriptor(name=subject, digest={"sha256": root_digest}).pb
    stmt = statement.Statement(subjects=[subject_pb], predicate_type=LINEAGE_PREDICATE,
                               predicate=json.loads(json.dumps(lineage, default=str)))
    return json_format.MessageToJson(stmt.pb).encode("utf-8")


def _bundle(manager: KeyManager, key_ref: str, raw_payload: bytes) -> str:
    """A Sigstore bundle (DSSE envelope, public-key hint) signed by the managed key's provider."""
    from model_signing._signing import signing
    from model_signing._signing.sign_sigstore_pb import _BUNDLE_MEDIA_TYPE, pae
    from sigstore_models import intoto as intoto_pb
    from sigstore_models.bundle import v1 as bundle_pb
    from sigstore_models.common import v1 as common_pb

    from secplan.crypto.keys.signer import ManagedSigner

    signer = ManagedSigner(manager, key_ref)
    der = signer.sign(pae(raw_payload))
    hint = public_key_hint(signer.public_key)
    envelope = intoto_pb.Envelope(payload=base64.b64encode(raw_payload),
                                  payload_type=signing._IN_TOTO_JSON_PAYLOAD_TYPE,
                                  signatures=[intoto_pb.Signature(sig=base64.b64encode(der), keyid="")])
    bundle = bundle_pb.Bundle(media_type=_BUNDLE_MEDIA_TYPE,
                              verification_material=bundle_pb.VerificationMaterial(
                                  public_key=common_pb.PublicKeyIdentifier(hint=hint), tlog_entries=[]),
                              dsse_envelope=envelope)
    return bundle.to_json()


def configured_key(root: Path) -> str:
    """The key the plan names for model signing (``policy.keys.signing.model``; ``model-signing`` without a plan)."""
    from secplan.plan.loader import load_plan, plan_path

    path = plan_path(root)
    return load_plan(path).policy.keys.signing.model if path.exists() else DEFAULT_KEY


def signing_key(manager: KeyManager, key_ref: str) -> str:
    """The active version of an ``ecdsa-p256`` key, as ``NAME@vN``."""
    from secplan.crypto.keys.interface import KeyState, KeyType

    key = manager.get(key_ref)
    if key.type is not KeyType.ECDSA_P256:
        raise InputError(f"key {key.id} is {key.type}; model signatures need an ecdsa-p256 key "
                         f"(secplan keys create {DEFAULT_KEY} --type ecdsa-p256)")
    if key.state is not KeyState.ACTIVE:
        raise InputError(f"key {key.id} is {key.state}; sign with an active key")
    return key.id


def sign_tree(manager: KeyManager, key_ref: str, tree: TreeDigest, extension: dict[str, Any]) -> str:
    return _bundle(manager, key_ref, _payload(tree, extension))


def sign_lineage(manager: KeyManager, key_ref: str, subject: str, root_digest: str,
                 lineage: dict[str, Any]) -> str:
    return _bundle(manager, key_ref, _lineage_payload(subject, root_digest, lineage))


@dataclass(frozen=True)
class Verified:
    """A bundle whose signature checked out: the signed statement and the manifest's files."""

    statement: dict[str, Any]
    files: dict[str, FileDigest]
    method: str
    shard_size: int | None
    ignore_paths: tuple[str, ...]

    @property
    def extension(self) -> dict[str, Any]:
        return dict(self.statement.get("predicate", {}).get("secplan") or {})


def _open_bundle(bundle_json: str, public_pem: bytes, where: str) -> tuple[Any, bytes]:
    """Check the DSSE signature with the library's EC verifier; returns (verifier, payload bytes)."""
    from model_signing._signing import sign_ec_key, sign_sigstore_pb

    with tempfile.TemporaryDirectory() as tmp:
        sig_path, key_path = Path(tmp) / "bundle.json", Path(tmp) / "key.pem"
        sig_path.write_text(bundle_json, encoding="utf-8")
        key_path.write_bytes(public_pem)
        try:
            signature = sign_sigstore_pb.Signature.read(sig_path)
            verifier = sign_ec_key.Verifier(key_path)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # AttributeError: a key that is not EC
            raise IntegrityError(f"{where}: not a model-signing bundle or key ({exc})") from None
    try:
        payload_type, payload = verifier._verify_signed_content(signature)
    except Exception as exc:  # the library raises ValueError or cryptography's InvalidSignature
        reason = str(exc) or type(exc).__name__
        raise IntegrityError(f"{where}: the signature does not verify with the given key ({reason})") from None
    from model_signing._signing import signing

    if payload_type != signing._IN_TOTO_JSON_PAYLOAD_TYPE:
        raise IntegrityError(f"{where}: the envelope does not hold an in-toto statement ({payload_type})")
    return verifier, payload


def verify_bundle(bundle_json: str, public_pem: bytes, where: str = "signature") -> Verified:
    """The signed manifest, after the library checked the signature and the root digest."""
    from model_signing._signing import signing

    _verifier, payload = _open_bundle(bundle_json, public_pem, where)
    statement = json.loads(payload)
    try:
        parsed = signing.dsse_payload_to_manifest(statement)
    except (ValueError, KeyError) as exc:
        raise IntegrityError(f"{where}: signed statement is not a model-signing manifest ({exc})") from None
    args = parsed.serialization_type
    files: dict[str, FileDigest] = {}
    for rd in parsed.resource_descriptors():
        if args["method"] == "shards":
            rest, end = rd.identifier.rsplit(":", 1)
            name, start = rest.rsplit(":", 1)
            old = files.get(name)
            shards = (old.shards if old else ()) + ((int(start), int(end), rd.digest.digest_hex),)
            files[name] = FileDigest(name, int(end), None, shards)
        else:
            files[rd.identifier] = FileDigest(rd.identifier, 0, rd.digest.digest_hex)
    shard_size = int(args["shard_size"]) if args.get("shard_size") else None  # a float after the Struct round trip
    return Verified(statement, files, args["method"], shard_size, tuple(args.get("ignore_paths", ())))


def verify_lineage(bundle_json: str, public_pem: bytes) -> dict[str, Any]:
    _verifier, payload = _open_bundle(bundle_json, public_pem, "lineage statement")
    statement = json.loads(payload)
    if statement.get("predicateType") != LINEAGE_PREDICATE:
        raise IntegrityError("lineage statement: unexpected predicate type")
    return statement


def verify_path(path: Path, bundle_json: str, public_pem: bytes, *, where: str = "signature",
                extra_ignore: tuple[str, ...] = ()) -> Verified:
    """Verify the signature, then re-hash ``path`` and name every changed, added or removed file."""
    verified = verify_bundle(bundle_json, public_pem, where)
    actual = hash_tree(path, ignore=verified.ignore_paths + extra_ignore, method=verified.method,
                       shard_size=verified.shard_size or 1)
    change = compare(verified.files, actual.files)
    if change:
        raise IntegrityError(f"{path}: does not match the signed manifest: {change.describe(path.name)}")
    return verified


EVALUATION_PREDICATE = "https://secplan.dev/model-evaluation/v1"


def sign_statement(manager: KeyManager, key_ref: str, subject: str, root_digest: str, predicate_type: str,
                   predicate: dict[str, Any]) -> str:
    """An in-toto statement about a registered version (an evaluation, for example), signed like the lineage."""
    from google.protobuf import json_format
    from in_toto_attestation.v1 import resource_descriptor, statement

    subject_pb = resource_descriptor.ResourceDescriptor(name=subject, digest={"sha256": root_digest}).pb
    stmt = statement.Statement(subjects=[subject_pb], predicate_type=predicate_type,
                               predicate=json.loads(json.dumps(predicate, default=str)))
    return _bundle(manager, key_ref, json_format.MessageToJson(stmt.pb).encode("utf-8"))


def verify_statement(bundle_json: str, public_pem: bytes, predicate_type: str) -> dict[str, Any]:
    """The statement of a bundle from :func:`sign_statement`, after its signature verified."""
    _verifier, payload = _open_bundle(bundle_json, public_pem, "attestation")
    statement = json.loads(payload)
    if statement.get("predicateType") != predicate_type:
        raise IntegrityError(f"attestation: predicate type {statement.get('predicateType')!r}, "
                             f"expected {predicate_type}")
    return statement
