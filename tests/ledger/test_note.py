"""Checkpoints are C2SP signed notes: checked here by an independent verifier written from the spec
(tests/ledger/c2sp.py), with the key id and origin the spec asks for, signed by a key file or a
keystore key."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.keystore import Keystore, default_keystore_path
from secplan.crypto.keys.signer import FileSigner, PublicKey
from secplan.ledger import Action, inclusion_proof, record, record_many, verify, verify_proof
from secplan.ledger.note import key_id, origin_for, vkey
from secplan.ledger.signing import LedgerFiles, read_mirror
from secplan.projects import project_of
from secplan.store.db import Store

from .c2sp import parse_vkey, verify_checkpoint
from .conftest import Attacker


def _notes(store: Store) -> list[tuple[int, str, str]]:
    with store.engine.connect() as conn:
        return list(conn.execute(text("SELECT tree_size, root_hash, note FROM ledger_checkpoints ORDER BY tree_size")))


def _public(store: Store) -> PublicKey:
    return FileSigner(LedgerFiles.for_home(store.home).key).public_key


def test_every_checkpoint_is_a_signed_note_an_outside_verifier_accepts(store: Store) -> None:
    record(store, action="data.read", obj="d:1")
    record_many(store, [Action("data.read", f"d:{i}") for i in range(2, 40)])
    public = _public(store)
    origin = origin_for(project_of(store).id)
    name, vkey_id, raw = parse_vkey(vkey(origin, public))
    assert (name, raw) == (origin, public.raw)
    assert vkey_id == hashlib.sha256(origin.encode() + b"\n\x01" + public.raw).digest()[:4]
    for size, root_hex, note in _notes(store):
        assert note.startswith(f"{origin}\n{size}\n{base64.b64encode(bytes.fromhex(root_hex)).decode()}\n\n\u2014 ")
        assert verify_checkpoint(note, name, raw) == (origin, size, bytes.fromhex(root_hex))
    mirror = read_mirror(LedgerFiles.for_home(store.home))
    assert mirror is not None and verify_checkpoint(mirror.note, name, raw)[1] == 39
    with pytest.raises(AssertionError):  # the verifier does refuse: another key, same name
        verify_checkpoint(mirror.note, name, hashlib.sha256(b"other").digest())


def test_key_id_matches_the_signed_note_spec_example() -> None:
    # c2sp.org/signed-note: vkey example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k
    raw = base64.b64decode("AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")[1:]
    public = PublicKey(KeyType.ED25519, raw)
    assert key_id("example.com/foo", public).hex() == "530d903a"
    assert vkey("example.com/foo", public) == "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
    example = ("This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONnc"
               "AlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")
    assert public.verify(base64.b64decode(example.rsplit(" ", 1)[1])[4:], b"This is an example message.\n")


def test_an_edited_note_fails_verification(store: Store, attacker: Attacker) -> None:
    record_many(store, [Action("data.read", f"d:{i}") for i in range(5)])
    record(store, action="data.read", obj="d:last")
    (size, _, note) = _notes(store)[0]
    forged = note.replace(f"\n{size}\n", f"\n{size + 1}\n", 1)
    attacker.sql("UPDATE ledger_checkpoints SET note = :n WHERE tree_size = :s", n=forged, s=size)
    report = verify(store)
    assert (report.ok, report.kind, report.first_bad) == (False, "checkpoint", 1)


def test_a_witness_cosignature_is_ignored_not_rejected(store: Store) -> None:
    record(store, action="data.read", obj="d:1")
    proof = inclusion_proof(store, 1)
    other = "\u2014 witness.example/w " + base64.b64encode(b"\x01\x02\x03\x04" + bytes(64)).decode() + "\n"
    cosigned = type(proof.checkpoint)(**{**proof.checkpoint.to_json(), "note": proof.checkpoint.note + other})
    public = _public(store)
    assert verify_proof(type(proof)(proof.entry, proof.path, cosigned, proof.public_key), public)
    origin = proof.checkpoint.note.split("\n", 1)[0]
    assert verify_checkpoint(cosigned.note, origin, public.raw)[1] == 1


def test_the_origin_stays_when_the_project_gets_its_plan_id(store: Store, project_dir: Path) -> None:
    record(store, action="data.read", obj="d:1")
    first = _notes(store)[0][2].split("\n", 1)[0]
    assert first == origin_for(project_of(store).id)
    (project_dir / "secplan.yaml").write_text(
        "version: 1\nproject:\n  id: 7d3f1a52-7a51-4c3e-9e0c-2b8f7b9a1c11\n  name: credit\n")
    reopened = Store(store.url, store.home)
    try:
        record(reopened, action="data.read", obj="d:2")
        assert {note.split("\n", 1)[0] for _, _, note in _notes(reopened)} == {first}
        assert verify(reopened).ok
    finally:
        reopened.dispose()


def test_checkpoints_signed_by_a_keystore_key(store: Store, project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from secplan.crypto.keys.local import LocalProvider
    from secplan.crypto.keys.manager import KeyManager
    from tests.crypto.conftest import PASSPHRASE, TEST_KDF

    monkeypatch.setenv("SECPLAN_PASSPHRASE", PASSPHRASE)
    keystore = Keystore(default_keystore_path(project_dir))
    manager = KeyManager(keystore, local=LocalProvider(keystore, TEST_KDF))
    manager.create("ledger-signing", KeyType.ED25519)
    monkeypatch.setenv("SECPLAN_LEDGER_SIGNING_KEY", "ledger-signing@v1")
    record_many(store, [Action("data.read", f"d:{i}") for i in range(3)])
    assert not LedgerFiles.for_home(store.home).key.exists()  # no key file was made
    public = PublicKey.from_pem(manager.export_public("ledger-signing@v1"))
    origin = origin_for(project_of(store).id)
    for size, _, note in _notes(store):
        assert verify_checkpoint(note, origin, public.raw)[1] == size
    assert verify(store).ok
    assert verify_proof(inclusion_proof(store, 2), public)
    monkeypatch.setenv("SECPLAN_LEDGER_SIGNING_KEY", "nope")
    assert not verify(store).ok


def test_mirror_file_keeps_the_note(store: Store) -> None:
    record(store, action="data.read", obj="d:1")
    data = json.loads(LedgerFiles.for_home(store.home).mirror.read_text())
    assert data["note"].startswith(origin_for(project_of(store).id) + "\n1\n")
