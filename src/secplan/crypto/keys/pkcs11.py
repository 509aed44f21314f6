"""The ``pkcs11`` provider: keys generated inside a PKCS#11 token (an HSM; SoftHSM2 in tests).

KEKs are non-extractable, sensitive AES-256 keys: wrapping is AES-GCM computed by the token, so the
key never reaches this process. ECDSA P-256 signing keys sign inside the token too.

Configuration (never stored in a file secplan writes): ``SECPLAN_PKCS11_MODULE`` (the library;
default SoftHSM2's), ``SECPLAN_PKCS11_TOKEN`` (token label) and ``SECPLAN_PKCS11_PIN`` or
``SECPLAN_PKCS11_PIN_FILE`` (user PIN).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pkcs11
from pkcs11 import Attribute, Mechanism, ObjectClass
from pkcs11 import KeyType as P11KeyType
from pkcs11.mechanisms import GCMParams
from pkcs11.util.ec import encode_ec_public_key, encode_ecdsa_signature, encode_named_curve_parameters

from secplan.crypto.format import context_aad
from secplan.crypto.keys.interface import KeyProvider, KeyType, KeyVersion
from secplan.crypto.keys.pem import public_pem_from_der
from secplan.errors import InputError, IntegrityError

MODULE_ENV = "SECPLAN_PKCS11_MODULE"
TOKEN_ENV = "SECPLAN_PKCS11_TOKEN"
PIN_ENV = "SECPLAN_PKCS11_PIN"
PIN_FILE_ENV = "SECPLAN_PKCS11_PIN_FILE"
DEFAULT_MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                   "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")


@functools.cache
def _library(path: str) -> Any:
    """PKCS#11 libraries are initialised once per process."""
    try:
        return pkcs11.lib(path)
    except Exception as exc:  # the binding raises a bare RuntimeError/OSError for a bad module
        raise InputError(f"{path}: cannot load PKCS#11 module ({MODULE_ENV}): {type(exc).__name__}") from None


def _module_path() -> str:
    configured = os.environ.get(MODULE_ENV)
    if configured:
        return configured
    for candidate in DEFAULT_MODULES:
        if Path(candidate).exists():
            return candidate
    raise InputError(f"no PKCS#11 module found: set {MODULE_ENV} to your HSM's library")


def _pin() -> str:
    if os.environ.get(PIN_ENV):
        return os.environ[PIN_ENV]
    if os.environ.get(PIN_FILE_ENV):
        path = Path(os.environ[PIN_FILE_ENV]).expanduser()
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError(f"{path}: cannot read PKCS#11 PIN file: {exc.strerror}") from None
    raise InputError(f"the PKCS#11 token needs a user PIN: set {PIN_ENV} or {PIN_FILE_ENV}")


class Pkcs11Provider(KeyProvider):
    name = "pkcs11"
    types = frozenset({KeyType.AES_KEK, KeyType.ECDSA_P256})

    @contextlib.contextmanager
    def _session(self, ref: dict[str, Any] | None = None, *, rw: bool = False) -> Iterator[Any]:
        module = (ref or {}).get("module") or _module_path()
        label = (ref or {}).get("token") or os.environ.get(TOKEN_ENV)
        if not label:
            raise InputError(f"which PKCS#11 token? set {TOKEN_ENV} to its label")
        try:
            token = _library(module).get_token(token_label=label)
        except pkcs11.exceptions.NoSuchToken:
            raise InputError(f"no PKCS#11 token labelled {label!r} in {module}") from None
        try:
            session = token.open(rw=rw, user_pin=_pin())
        except pkcs11.exceptions.PinIncorrect:
            raise InputError(f"PKCS#11 token {label!r}: wrong PIN") from None
        except pkcs11.exceptions.PKCS11Error as exc:
            raise InputError(f"PKCS#11 token {label!r}: cannot log in ({type(exc).__name__})") from None
        with session:
            yield session

    def create(self, key_id: str, key_type: KeyType) -> dict[str, Any]:
        self.check_type(key_type)
        # Several keystores may share a token: a random suffix keeps their "name@vN" labels apart.
        label = f"secplan:{key_id}:{os.urandom(4).hex()}"
        object_id = hashlib.sha256(label.encode()).digest()[:16]
        with self._session(rw=True) as session:
            ref = {"module": _module_path(), "token": session.token.label, "label": label}
            private = {Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False, Attribute.TOKEN: True}
            if key_type is KeyType.AES_KEK:
                session.generate_key(P11KeyType.AES, 256, id=object_id, label=label, store=True,
                                     capabilities=pkcs11.MechanismFlag.ENCRYPT | pkcs11.MechanismFlag.DECRYPT,
                                     template=private)
            else:
                params = session.create_domain_parameters(
                    P11KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True)
                public, _private = params.generate_keypair(
                    id=object_id, label=label, store=True, private_template=private,
                    capabilities=pkcs11.MechanismFlag.SIGN | pkcs11.MechanismFlag.VERIFY)
                # Kept in the index so that verifiers need neither the token nor its PIN.
                ref["public_pem"] = public_pem_from_der(encode_ec_public_key(public), f"token {label!r}").decode("ascii")
        return ref

    def _secret(self, session: Any, key: KeyVersion) -> Any:
        try:
            return session.get_key(ObjectClass.SECRET_KEY, P11KeyType.AES, label=key.ref["label"])
        except pkcs11.exceptions.NoSuchKey:
            raise IntegrityError(f"key {key.id} is not on PKCS#11 token {key.ref.get('token')!r} "
                                 "(destroyed, or another token)") from None

    def wrap(self, key: KeyVersion, data_key: bytes, context: dict[str, str]) -> bytes:
        with self._session(key.ref) as session:
            nonce = session.generate_random(96)
            sealed = self._secret(session, key).encrypt(
                data_key, mechanism=Mechanism.AES_GCM, mechanism_param=GCMParams(nonce, context_aad(context), 128))
        return bytes(nonce) + bytes(sealed)

    def unwrap(self, key: KeyVersion, wrapped: bytes, context: dict[str, str]) -> bytes:
        with self._session(key.ref) as session:
            secret = self._secret(session, key)
            try:
                return bytes(secret.decrypt(wrapped[12:], mechanism=Mechanism.AES_GCM,
                                            mechanism_param=GCMParams(wrapped[:12], context_aad(context), 128)))
            except pkcs11.exceptions.PKCS11Error:
                raise IntegrityError(f"key {key.id} cannot unwrap the data key: wrong key, or the key slot or "
                                     "header was tampered with") from None

    def destroy(self, key: KeyVersion) -> None:
        with self._session(key.ref, rw=True) as session:
            for obj in list(session.get_objects({Attribute.LABEL: key.ref["label"]})):
                obj.destroy()

    def public_key_pem(self, key: KeyVersion) -> bytes:
        if key.type is not KeyType.ECDSA_P256:
            return super().public_key_pem(key)
        if key.ref.get("public_pem"):
            return key.ref["public_pem"].encode("ascii")
        with self._session(key.ref) as session:  # keys created before the index kept their public half
            public = session.get_key(ObjectClass.PUBLIC_KEY, P11KeyType.EC, label=key.ref["label"])
            return public_pem_from_der(encode_ec_public_key(public), f"token {key.ref.get('token')!r}")

    def sign(self, key: KeyVersion, data: bytes) -> bytes:
        if key.type is not KeyType.ECDSA_P256:
            return super().sign(key, data)
        with self._session(key.ref) as session:
            private = session.get_key(ObjectClass.PRIVATE_KEY, P11KeyType.EC, label=key.ref["label"])
            # CKM_ECDSA over a SHA-256 digest: what every token supports (SoftHSM2 lacks CKM_ECDSA_SHA256).
            raw = private.sign(hashlib.sha256(data).digest(), mechanism=Mechanism.ECDSA)
        return encode_ecdsa_signature(raw)
