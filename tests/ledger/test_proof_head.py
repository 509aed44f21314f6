"""Proofs against a head read once (many proofs, one checkpoint, while others append), and the
entries about a few named objects."""

from __future__ import annotations

import pytest

from secplan.errors import InputError
from secplan.ledger import Action, inclusion_proof, record, record_many, verify_proof
from secplan.ledger.proof import signed_head
from secplan.ledger.query import about
from secplan.store.db import Store


def test_proofs_against_one_head_while_the_ledger_grows(store: Store) -> None:
    record_many(store, [Action("data.read", f"dataset:{i}") for i in range(20)])
    head = signed_head(store)
    public, checkpoint = head
    assert checkpoint is not None and checkpoint.tree_size == 20
    for i in range(15):  # more appends after the head was read: each one a new checkpoint
        record(store, action="model.promote", obj=f"model:m{i}", details={"stage": "prod"})
    proofs = [inclusion_proof(store, seq, head=head) for seq in (1, 7, 20)]
    assert {p.checkpoint.tree_size for p in proofs} == {20}
    assert all(verify_proof(p, public) for p in proofs)
    assert inclusion_proof(store, 7).checkpoint.tree_size == 35  # without a head: the newest
    with pytest.raises(InputError, match=r"covers 1\.\.20"):
        inclusion_proof(store, 21, head=head)


def test_entries_about_named_objects(store: Store) -> None:
    record(store, action="model.register", obj="model:fraud@1")
    record(store, action="model.register", obj="model:fraud@2")
    record(store, action="approval.request", obj="approval:1")
    record(store, action="model.sign", obj="model:fraud@1")
    record(store, action="model.infer", obj="model:fraud@1")
    found = about(store, ["model:fraud@1", "approval:1"], ["model.register", "model.sign", "approval.request"])
    assert [(e.seq, e.action, e.object) for e in found] == [
        (1, "model.register", "model:fraud@1"), (3, "approval.request", "approval:1"), (4, "model.sign", "model:fraud@1")]
    assert about(store, [], ["model.sign"]) == [] and about(store, ["model:fraud@1"], []) == []
