"""The ``local`` provider: key material sealed in the keystore file under an Argon2id-derived key.

Suitable for a laptop or CI secret; an HSM (``pkcs11``) or a KMS is the stronger choice for teams.
"""

from __future__ import annotations

import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secplan.crypto.format import context_aad
from secplan.crypto.keys import unlock as unlock_cache
from secplan.crypto.keys.interface import KeyProvider, KeyType, KeyVersion
from secplan.crypto.keys.keystore import KdfParams, Keystore, b64, unb64
from secplan.crypto.keys.passphrase import read_passphrase
from secplan.errors import InputError, IntegrityError

_CHECK_PLAINTEXT = b"secplan keystore passphrase check"


def _derive(passphrase: bytes, salt: bytes, params: KdfParams) -> bytes:
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    except ImportError:  # cryptography < 44: argon2-cffi's raw Argon2id gives the same bytes
        from argon2.low_level import Type, hash_secret_raw

        return hash_secret_raw(passphrase, salt, params.iterations, params.memory_kib, params.lanes, 32, Type.ID)
    kdf = Argon2id(salt=salt, length=32, iterations=params.iterations, lanes=params.lanes,
                   memory_cost=params.memory_kib)
    return kdf.derive(passphrase)


def _aad(key_id: str) -> bytes:
    return b"secplan/local-key/" + key_id.encode("utf-8")


class LocalProvider(KeyProvider):
    name = "local"
    types = frozenset(KeyType)

    def __init__(self, keystore: Keystore, kdf: KdfParams | None = None) -> None:
        self.keystore = keystore
        self.kdf = kdf or KdfParams()
        self._sealing_key: bytes | None = None

    # -- the passphrase-derived sealing key -------------------------------------------------------
    def init_kdf(self, doc: dict[str, Any]) -> None:
        """Set up the keystore's KDF (salt, cost, verifier) the first time a local key is created."""
        if doc.get("kdf"):
            return
        passphrase = read_passphrase(confirm=True)
        salt = os.urandom(16)
        key = _derive(passphrase, salt, self.kdf)
        nonce = os.urandom(12)
        check = nonce + AESGCM(key).encrypt(nonce, _CHECK_PLAINTEXT, b"check")
        doc["kdf"] = {"alg": "argon2id", "salt": b64(salt), **self.kdf.to_dict(), "check": b64(check)}
        self._sealing_key = key

    def _key(self) -> AESGCM:
        if self._sealing_key is None:
            kdf, params = self._kdf()
            cached = unlock_cache.recall(kdf)  # `secplan keys unlock` paid the Argon2id already
            if cached is not None and self._opens_verifier(kdf, cached):
                self._sealing_key = cached
            else:
                self._sealing_key = self._derive_checked(kdf, params)
        return AESGCM(self._sealing_key)

    def _kdf(self) -> tuple[dict[str, Any], KdfParams]:
        kdf = self.keystore.load().get("kdf")
        if not kdf:
            raise InputError(f"{self.keystore.path}: the keystore holds no local keys yet")
        try:
            params = KdfParams(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"]))
        except (KeyError, ValueError, TypeError):
            raise InputError(f"{self.keystore.path}: keystore KDF parameters are malformed") from None
        unb64(kdf.get("salt", ""), "KDF salt")
        unb64(kdf.get("check", ""), "passphrase verifier")
        return kdf, params

    def _opens_verifier(self, kdf: dict[str, Any], key: bytes) -> bool:
        check = unb64(kdf["check"], "passphrase verifier")
        try:
            AESGCM(key).decrypt(check[:12], check[12:], b"check")
        except (InvalidTag, ValueError):
            return False
        return True

    def _derive_checked(self, kdf: dict[str, Any], params: KdfParams) -> bytes:
        key = _derive(read_passphrase(), unb64(kdf["salt"], "KDF salt"), params)
        if not self._opens_verifier(kdf, key):
            raise InputError(f"{self.keystore.path}: wrong passphrase for the keystore")
        return key

    # -- one unlock per session ---------------------------------------------------------------------
    def unlock(self, ttl_s: int) -> unlock_cache.Unlocked:
        """Derive the sealing key from the passphrase (always asked: an unlock proves it) and cache it."""
        kdf, params = self._kdf()
        self._sealing_key = self._derive_checked(kdf, params)
        return unlock_cache.remember(kdf, self._sealing_key, ttl_s)

    def lock(self) -> list[str]:
        """Remove the cached key of this keystore; the places that held one."""
        kdf, _params = self._kdf()
        self._sealing_key = None
        return unlock_cache.forget(kdf)

    def _seal(self, key_id: str, secret: bytes) -> str:
        nonce = os.urandom(12)
        return b64(nonce + self._key().encrypt(nonce, secret, _aad(key_id)))

    def _unseal(self, key: KeyVersion) -> bytes:
        sealed = key.ref.get("sealed")
        if not sealed:
            raise IntegrityError(f"key {key.id} has no material in {self.keystore.path} (destroyed?)")
        raw = unb64(sealed, f"sealed material of {key.id}")
        aead = self._key()  # checks the passphrase first, so the error below means damage
        try:
            return aead.decrypt(raw[:12], raw[12:], _aad(key.id))
        except InvalidTag:
            raise IntegrityError(f"{self.keystore.path}: sealed material of key {key.id} fails authentication: "
                                 "keystore tampered or damaged") from None

    # -- the provider contract ----------------------------------------------------------------------
    def create(self, key_id: str, key_type: KeyType) -> dict[str, Any]:
        self.check_type(key_type)
        if key_type is KeyType.AES_KEK:
            return {"sealed": self._seal(key_id, os.urandom(32))}
        private: Any
        if key_type is KeyType.X25519:
            private = x25519.X25519PrivateKey.generate()
        elif key_type is KeyType.ED25519:
            private = ed25519.Ed25519PrivateKey.generate()
        else:
            private = ec.generate_private_key(ec.SECP256R1())
        secret = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
        public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
        return {"sealed": self._seal(key_id, secret), "public_pem": public.decode("ascii")}

    def wrap(self, key: KeyVersion, data_key: bytes, context: dict[str, str]) -> bytes:
        kek = self._kek(key)
        nonce = os.urandom(12)
        return nonce + kek.encrypt(nonce, data_key, context_aad(context))

    def unwrap(self, key: KeyVersion, wrapped: bytes, context: dict[str, str]) -> bytes:
        kek = self._kek(key)
        try:
            return kek.decrypt(wrapped[:12], wrapped[12:], context_aad(context))
        except InvalidTag:
            raise IntegrityError(f"key {key.id} cannot unwrap the data key: wrong key, or the key slot or "
                                 "header was tampered with") from None

    def destroy(self, key: KeyVersion) -> None:
        """Nothing to do here: the manager drops the sealed material from the keystore."""

    def public_key_pem(self, key: KeyVersion) -> bytes:
        if not key.type.asymmetric or "public_pem" not in key.ref:
            return super().public_key_pem(key)
        return key.ref["public_pem"].encode("ascii")

    def sign(self, key: KeyVersion, data: bytes) -> bytes:
        private = self._private(key)
        if isinstance(private, ec.EllipticCurvePrivateKey):
            from cryptography.hazmat.primitives import hashes

            return private.sign(data, ec.ECDSA(hashes.SHA256()))
        if isinstance(private, ed25519.Ed25519PrivateKey):
            return private.sign(data)
        return super().sign(key, data)

    def exchange(self, key: KeyVersion, peer_public: bytes) -> bytes:
        private = self._private(key)
        if not isinstance(private, x25519.X25519PrivateKey):
            return super().exchange(key, peer_public)
        try:
            peer = x25519.X25519PublicKey.from_public_bytes(peer_public)
        except ValueError:
            raise InputError("peer public key is not a 32-byte X25519 key") from None
        return private.exchange(peer)

    def _kek(self, key: KeyVersion) -> AESGCM:
        if key.type is not KeyType.AES_KEK:
            raise InputError(f"key {key.id} is {key.type}, not an aes-kek: it cannot wrap data keys")
        return AESGCM(self._unseal(key))

    def _private(self, key: KeyVersion) -> Any:
        if not key.type.asymmetric:
            raise InputError(f"key {key.id} is {key.type}: it has no private key")
        return serialization.load_der_private_key(self._unseal(key), password=None)
