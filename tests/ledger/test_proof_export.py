"""Inclusion proofs and export: both checkable by an auditor with the public key alone."""

from __future__ import annotations

import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.signer import PublicKey
from secplan.errors import InputError, IntegrityError
from secplan.ledger import Action, export, inclusion_proof, record, record_many, verify, verify_proof
from secplan.ledger.entry import GENESIS_PREV, canonical_bytes, canonical_json
from secplan.ledger.merkle import leaf_hash, tree_root, verify_inclusion
from secplan.store.db import Store

from .c2sp import verify_checkpoint
from .conftest import Attacker


def _fill(store: Store) -> None:
    for i in range(5):
        record(store, action="model.promote", obj=f"model:{i}", details={"stage": "prod"})
    record_many(store, [Action("data.read", f"dataset:{i}") for i in range(8)])


def test_every_entry_has_a_proof_that_checks(store: Store) -> None:
    _fill(store)
    root = verify(store).root_hash
    for seq in range(1, 14):
        proof = inclusion_proof(store, seq)
        public = PublicKey(KeyType.ED25519, bytes.fromhex(proof.public_key))
        assert verify_proof(proof, public)
        doc = proof.to_json()
        assert (doc["tree_size"], doc["root_hash"]) == (13, root)
        assert verify_inclusion(
            bytes.fromhex(doc["leaf_hash"]), seq - 1, 13, [bytes.fromhex(h) for h in doc["audit_path"]], bytes.fromhex(root)
        )


def test_altered_proofs_do_not_check(store: Store) -> None:
    _fill(store)
    proof = inclusion_proof(store, 6)
    public = PublicKey(KeyType.ED25519, bytes.fromhex(proof.public_key))
    path = list(proof.path)
    path[0] = "00" * 32
    assert not verify_proof(type(proof)(proof.entry, path, proof.checkpoint, proof.public_key), public)
    forged_entry = type(proof.entry)(**{**proof.entry.to_json(), "details": "{}", "object": "dataset:other"})
    assert not verify_proof(type(proof)(forged_entry, proof.path, proof.checkpoint, proof.public_key), public)
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    assert not verify_proof(proof, PublicKey(KeyType.ED25519, other))


@pytest.mark.parametrize("seq", [0, 14, 1000])
def test_proof_of_a_missing_entry_is_an_input_error(store: Store, seq: int) -> None:
    _fill(store)
    with pytest.raises(InputError, match=f"entry {seq} does not exist"):
        inclusion_proof(store, seq)


def test_proof_refuses_a_tampered_ledger(store: Store, attacker: Attacker) -> None:
    _fill(store)
    attacker.sql("UPDATE ledger_entries SET object = 'model:x' WHERE seq = 3")
    with pytest.raises(IntegrityError, match="entry 3"):
        inclusion_proof(store, 3)


def test_export_can_be_checked_offline_with_the_public_key(store: Store) -> None:
    _fill(store)
    out = io.StringIO()
    assert export(store, out) == 13
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    header, records = lines[0], lines[1:]
    assert header["type"] == "secplan-ledger" and len(header["public_key"]) == 64
    public = bytes.fromhex(header["public_key"])
    prev, leaves, seen = GENESIS_PREV, [], 0
    for rec in records:
        if rec["type"] == "entry":
            data = canonical_bytes(rec["seq"], rec["timestamp"], rec["actor"], rec["action"], rec["object"],
                                   canonical_json(rec["details"]), rec["outcome"], prev)
            prev = leaf_hash(data).hex()
            assert prev == rec["entry_hash"]
            leaves.append(bytes.fromhex(prev))
        else:
            assert rec["type"] == "checkpoint" and rec["tree_size"] == len(leaves)
            assert rec["root_hash"] == tree_root(leaves).hex()
            origin = rec["note"].split("\n", 1)[0]
            assert verify_checkpoint(rec["note"], origin, public)[1:] == (len(leaves), tree_root(leaves))
            seen += 1
    assert len(leaves) == 13 and seen == 6
    assert records[-1]["type"] == "checkpoint"
