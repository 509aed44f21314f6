"""Provider behaviour against the real things: the local keystore, a SoftHSM2 token, moto's KMS server."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519

from secplan.crypto.files import decrypt_file, encrypt_file, read_info
from secplan.crypto.format import DATA_OFFSET, HEADER_SIZE, wrap_context
from secplan.crypto.keys.interface import KeyState, KeyType
from secplan.crypto.keys.manager import KeyManager
from secplan.errors import InputError, IntegrityError


def test_keystore_is_private_and_holds_no_clear_material(tmp_path: Path, keys: KeyManager) -> None:
    path = keys.keystore.path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    doc = json.loads(path.read_text())
    assert doc["kdf"]["alg"] == "argon2id" and doc["kdf"]["memory_kib"] == 8192
    sealed = doc["keys"]["k"]["versions"][0]["ref"]["sealed"]
    assert len(sealed) > 40
    views = [k.public_view() for k in keys.list()]
    assert views and all("sealed" not in json.dumps(v) for v in views)


def test_default_kdf_cost_is_the_rfc_9106_profile() -> None:
    from secplan.crypto.keys.keystore import KdfParams

    assert KdfParams().to_dict() == {"memory_kib": 65536, "iterations": 3, "lanes": 4}


def test_passphrase_from_file_and_missing(tmp_path: Path, keys: KeyManager, monkeypatch: pytest.MonkeyPatch,
                                          manager_factory) -> None:
    src = tmp_path / "p"
    src.write_bytes(b"data")
    encrypt_file(src, tmp_path / "p.enc", keys, "k")
    secret = tmp_path / "pass.txt"
    secret.write_text(os.environ["SECPLAN_PASSPHRASE"] + "\n")
    monkeypatch.delenv("SECPLAN_PASSPHRASE")
    monkeypatch.setenv("SECPLAN_PASSPHRASE_FILE", str(secret))
    decrypt_file(tmp_path / "p.enc", tmp_path / "p.out", manager_factory(keys.keystore.path))
    assert (tmp_path / "p.out").read_bytes() == b"data"
    monkeypatch.delenv("SECPLAN_PASSPHRASE_FILE")
    with pytest.raises(InputError, match="needs a passphrase"):
        decrypt_file(tmp_path / "p.enc", tmp_path / "p2.out", manager_factory(keys.keystore.path))


def test_key_names_and_refs(keys: KeyManager) -> None:
    with pytest.raises(InputError, match="already exists"):
        keys.create("k")
    with pytest.raises(InputError, match="invalid key name"):
        keys.create("../etc")
    with pytest.raises(InputError, match="no key named"):
        keys.get("nope")
    with pytest.raises(InputError, match="has no version 9"):
        keys.get("k@v9")
    with pytest.raises(InputError, match="does not support"):
        keys.create("x", KeyType.X25519, provider="aws-kms")


def test_local_asymmetric_keys(keys: KeyManager) -> None:
    signer = keys.create("registry", KeyType.ECDSA_P256)
    pem = keys.export_public("registry")
    assert b"PRIVATE" not in pem
    signature = keys.provider_for(signer).sign(signer, b"manifest")
    public = serialization.load_pem_public_key(pem)
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signature, b"manifest", ec.ECDSA(hashes.SHA256()))

    ed = keys.create("share-signing", KeyType.ED25519)
    ed_public = serialization.load_pem_public_key(keys.export_public("share-signing"))
    assert isinstance(ed_public, ed25519.Ed25519PublicKey)
    ed_public.verify(keys.provider_for(ed).sign(ed, b"m"), b"m")

    ident = keys.create("identity", KeyType.X25519)
    ours = serialization.load_pem_public_key(keys.export_public("identity"))
    peer = x25519.X25519PrivateKey.generate()
    shared = keys.provider_for(ident).exchange(ident, peer.public_key().public_bytes_raw())
    assert shared == peer.exchange(ours)
    with pytest.raises(InputError, match="no public key"):
        keys.export_public("k")


def test_pkcs11_keys_stay_in_the_token(tmp_path: Path, keys: KeyManager, softhsm: str) -> None:
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    from secplan.crypto.keys.pkcs11 import _library, _module_path

    kek = keys.create("hsm", provider="pkcs11")
    assert kek.ref["token"] == softhsm and "sealed" not in kek.ref
    src = tmp_path / "d"
    src.write_bytes(os.urandom(5000))
    encrypt_file(src, tmp_path / "d.enc", keys, "hsm", chunk_size=1024)
    decrypt_file(tmp_path / "d.enc", tmp_path / "d.out", keys)
    assert (tmp_path / "d.out").read_bytes() == src.read_bytes()

    token = _library(_module_path()).get_token(token_label=softhsm)
    with token.open(user_pin="1234") as session:
        secret = session.get_key(ObjectClass.SECRET_KEY, label=kek.ref["label"])
        assert secret[Attribute.SENSITIVE] and not secret[Attribute.EXTRACTABLE]
        with pytest.raises(pkcs11.exceptions.PKCS11Error):
            secret[Attribute.VALUE]

    signer = keys.create("hsm-sign", KeyType.ECDSA_P256, provider="pkcs11")
    public = serialization.load_pem_public_key(keys.export_public("hsm-sign"))
    public.verify(keys.provider_for(signer).sign(signer, b"x"), b"x", ec.ECDSA(hashes.SHA256()))

    keys.destroy("hsm")
    with token.open(user_pin="1234") as session:
        assert not list(session.get_objects({Attribute.LABEL: kek.ref["label"]}))
    with pytest.raises(IntegrityError, match="destroyed"):
        decrypt_file(tmp_path / "d.enc", tmp_path / "d2.out", keys)


def test_pkcs11_wrong_pin(keys: KeyManager, softhsm: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECPLAN_PKCS11_PIN", "0000")
    with pytest.raises(InputError, match="wrong PIN"):
        keys.create("hsm", provider="pkcs11")
    assert "hsm" not in json.dumps([k.public_view() for k in keys.list()])


def test_kms_encryption_context_binds_the_file(tmp_path: Path, keys: KeyManager, aws: str) -> None:
    """A wrapped key moved into another file's slot does not open: KMS checks the file id."""
    keys.create("kms", provider="aws-kms")
    for name in ("a", "b"):
        (tmp_path / name).write_bytes(name.encode() * 100)
        encrypt_file(tmp_path / name, tmp_path / f"{name}.enc", keys, "kms")
    a, b = (tmp_path / "a.enc").read_bytes(), (tmp_path / "b.enc").read_bytes()
    (tmp_path / "b.enc").write_bytes(b[:HEADER_SIZE] + a[HEADER_SIZE:DATA_OFFSET] + b[DATA_OFFSET:])
    with pytest.raises(IntegrityError, match="AWS KMS refused"):
        decrypt_file(tmp_path / "b.enc", tmp_path / "b.out", keys)
    assert not (tmp_path / "b.out").exists()
    info = read_info(tmp_path / "a.enc")
    assert info.current is not None
    key = keys.get("kms")
    assert keys.unwrap(key.id, info.current.wrapped, wrap_context(info.header.file_id, key.id))
    keys.destroy("kms")
    assert keys.get("kms@v1").state is KeyState.DESTROYED
    with pytest.raises(IntegrityError, match="destroyed"):
        decrypt_file(tmp_path / "a.enc", tmp_path / "a.out", keys)
