"""The ``aws-kms`` provider: KEKs are AWS KMS symmetric keys; data keys come from ``GenerateDataKey``.

Every wrapped data key carries an encryption context (file id, KEK id): KMS refuses to decrypt it
for another file, and CloudTrail logs which file each decryption was for. Signing keys are KMS
``ECC_NIST_P256`` keys: KMS signs (ECDSA with SHA-256, DER), the private key never leaves it.
Credentials, region and endpoint come from the usual AWS configuration (environment, profile,
instance role; ``AWS_ENDPOINT_URL`` for a KMS-compatible endpoint).
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from secplan.crypto.keys.interface import KeyProvider, KeyType, KeyVersion
from secplan.crypto.keys.pem import public_pem_from_der
from secplan.errors import InputError, IntegrityError

PENDING_WINDOW_DAYS = 7
"""AWS's minimum wait before a scheduled key deletion happens; the key is disabled at once."""
RAW_MESSAGE_LIMIT = 4096
"""KMS signs messages up to this size itself (``MessageType=RAW``); larger ones are sent as their
SHA-256 digest (``DIGEST``), which yields the same ECDSA-SHA-256 signature."""


@functools.cache
def _client(region: str | None) -> Any:
    import boto3

    return boto3.client("kms", region_name=region)


def _call(what: str, func: Any, **kwargs: Any) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return func(**kwargs)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        if code in {"InvalidCiphertextException", "IncorrectKeyException"}:
            raise IntegrityError(f"AWS KMS refused to {what}: wrong key, or the key slot or header was "
                                 "tampered with") from None
        if code in {"DisabledException", "KMSInvalidStateException", "NotFoundException"}:
            raise IntegrityError(f"AWS KMS cannot {what}: the key is disabled, pending deletion or gone "
                                 f"({code})") from None
        raise InputError(f"AWS KMS refused to {what}: {code}") from None
    except BotoCoreError as exc:
        raise InputError(f"cannot reach AWS KMS to {what}: {type(exc).__name__}") from None


class AwsKmsProvider(KeyProvider):
    name = "aws-kms"
    types = frozenset({KeyType.AES_KEK, KeyType.ECDSA_P256})

    def create(self, key_id: str, key_type: KeyType) -> dict[str, Any]:
        self.check_type(key_type)
        kms = _client(None)
        signing = key_type is KeyType.ECDSA_P256
        meta = _call("create a key", kms.create_key, KeySpec="ECC_NIST_P256" if signing else "SYMMETRIC_DEFAULT",
                     KeyUsage="SIGN_VERIFY" if signing else "ENCRYPT_DECRYPT",
                     Description=f"secplan {'signing' if signing else 'key-encryption'} key {key_id}",
                     Tags=[{"TagKey": "secplan:key", "TagValue": key_id}])["KeyMetadata"]
        ref = {"key_arn": meta["Arn"], "key_id": meta["KeyId"], "region": kms.meta.region_name}
        if signing:  # kept in the index so that verifiers need no AWS credentials
            der = _call("read the public key", kms.get_public_key, KeyId=meta["Arn"])["PublicKey"]
            ref["public_pem"] = public_pem_from_der(der, "AWS KMS").decode("ascii")
        return ref

    def public_key_pem(self, key: KeyVersion) -> bytes:
        if key.type is not KeyType.ECDSA_P256:
            return super().public_key_pem(key)
        return key.ref["public_pem"].encode("ascii")

    def sign(self, key: KeyVersion, data: bytes) -> bytes:
        if key.type is not KeyType.ECDSA_P256:
            return super().sign(key, data)
        raw = len(data) <= RAW_MESSAGE_LIMIT
        return _call("sign", _client(key.ref.get("region")).sign, KeyId=key.ref["key_arn"],
                     Message=data if raw else hashlib.sha256(data).digest(), MessageType="RAW" if raw else "DIGEST",
                     SigningAlgorithm="ECDSA_SHA_256")["Signature"]

    def _kek(self, key: KeyVersion) -> None:
        if key.type is not KeyType.AES_KEK:
            raise InputError(f"key {key.id} is {key.type}, not an aes-kek: it cannot wrap data keys")

    def generate_data_key(self, key: KeyVersion, context: dict[str, str]) -> tuple[bytes, bytes]:
        self._kek(key)
        out = _call("generate a data key", _client(key.ref.get("region")).generate_data_key,
                    KeyId=key.ref["key_arn"], KeySpec="AES_256", EncryptionContext=context)
        return out["Plaintext"], out["CiphertextBlob"]

    def wrap(self, key: KeyVersion, data_key: bytes, context: dict[str, str]) -> bytes:
        self._kek(key)
        return _call("wrap a data key", _client(key.ref.get("region")).encrypt, KeyId=key.ref["key_arn"],
                     Plaintext=data_key, EncryptionContext=context)["CiphertextBlob"]

    def unwrap(self, key: KeyVersion, wrapped: bytes, context: dict[str, str]) -> bytes:
        self._kek(key)
        return _call("unwrap the data key", _client(key.ref.get("region")).decrypt, KeyId=key.ref["key_arn"],
                     CiphertextBlob=wrapped, EncryptionContext=context)["Plaintext"]

    def destroy(self, key: KeyVersion) -> None:
        """Disable the key now and schedule its deletion (KMS never deletes at once)."""
        kms = _client(key.ref.get("region"))
        key_id = key.ref.get("key_id") or key.ref["key_arn"]
        _call("disable the key", kms.disable_key, KeyId=key_id)
        _call("schedule key deletion", kms.schedule_key_deletion, KeyId=key_id,
              PendingWindowInDays=PENDING_WINDOW_DAYS)
