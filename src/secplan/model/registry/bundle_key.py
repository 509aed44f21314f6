"""Which managed key a model-signing bundle was made with, found from the bundle itself.

A bundle names its signer by ``verificationMaterial.publicKey.hint``: the SHA-256 of the signing
key's public key (PEM, SubjectPublicKeyInfo). Matching it against every signing key version in the
keystore, rotated and retired ones included, lets ``model verify`` check a signature without being
told the key's name, and never with a key that merely happens to have the default name.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from secplan.crypto.keys.interface import KeyState, KeyType
from secplan.crypto.keys.signer import PublicKey
from secplan.errors import InputError

if TYPE_CHECKING:
    from secplan.crypto.keys.manager import KeyManager

SIGNING_TYPES = (KeyType.ECDSA_P256, KeyType.ED25519)


def public_key_hint(public: PublicKey) -> str:
    """The hint a bundle carries for the key ``public`` (SHA-256 of its SubjectPublicKeyInfo PEM)."""
    return hashlib.sha256(public.pem()).hexdigest()


def bundle_hint(bundle_json: str, where: str) -> str | None:
    """The public-key hint of a bundle, or None when it names no key (a keyless or foreign bundle)."""
    try:
        hint = json.loads(bundle_json).get("verificationMaterial", {}).get("publicKey", {}).get("hint")
    except (ValueError, AttributeError):
        raise InputError(f"{where}: not a signature bundle (not a JSON object)") from None
    return hint if isinstance(hint, str) and hint else None


def key_for_bundle(manager: KeyManager, bundle_json: str, where: str) -> str | None:
    """``NAME@vN`` of the keystore's signing key the bundle names, or None when none matches."""
    hint = bundle_hint(bundle_json, where)
    if hint is None:
        return None
    candidates = (k for k in manager.list() if k.type in SIGNING_TYPES and k.state is not KeyState.DESTROYED)
    return next((k.id for k in candidates if public_key_hint(PublicKey.from_pem(manager.export_public(k.id))) == hint), None)
