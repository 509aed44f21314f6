"""The signed manifest of a share package: what was sent, to whom, until when, under which agreement.

The signature covers the canonical JSON bytes (sorted keys, no spaces) prefixed by a domain tag, so a
signature made for another purpose with the same key never verifies as a share manifest.
"""

from __future__ import annotations

import datetime as dt
import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.signer import PublicKey
from secplan.errors import InputError, IntegrityError

FORMAT = "secplan-share/1"
SIGNING_DOMAIN = b"secplan share manifest v1\n"


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = FORMAT
    id: str
    file: str = Field(description="The shared file's name (no directories).")
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Digest of the plaintext.")
    payload_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Digest of payload.age.")
    recipient: str
    expires: dt.date
    agreement: str | None
    sender: str
    created: dt.datetime
    signing_key: str
    signing_public_key: str = Field(description="The sender's Ed25519 public key, PEM.")

    def to_bytes(self) -> bytes:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes, source: str) -> Manifest:
        try:
            doc = json.loads(raw.decode("utf-8"))
            manifest = cls.model_validate(doc)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(f"{source}: manifest.json is not JSON") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "manifest"
            raise InputError(f"{source}: manifest.json: {where}: {first['msg']}") from None
        if manifest.format != FORMAT:
            raise InputError(f"{source}: unsupported share format {manifest.format!r} (expected {FORMAT})")
        return manifest


def load_ed25519_public(pem: str | bytes, source: str) -> PublicKey:
    try:
        data = pem.encode("ascii") if isinstance(pem, str) else pem
    except UnicodeEncodeError:
        raise InputError(f"{source}: not a PEM public key") from None
    key = PublicKey.from_pem(data, source)
    if key.type is not KeyType.ED25519:
        raise InputError(f"{source}: the sender key is not Ed25519")
    return key


def verify_signature(manifest_bytes: bytes, signature: bytes, key: PublicKey, source: str) -> None:
    if not key.verify(signature, SIGNING_DOMAIN + manifest_bytes):
        raise IntegrityError(f"{source}: manifest signature does not verify: the manifest was changed or "
                             "was not signed by this sender")
