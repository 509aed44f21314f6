"""Stored tiles: written by appends in any batch pattern, laid out as C2SP tlog-tiles says, and the
proofs read from them equal RFC 6962 / RFC 9162 proofs computed from scratch, at every size."""

from __future__ import annotations

import functools
import hashlib
import random

import pytest
from sqlalchemy import text

from secplan.errors import IntegrityError
from secplan.ledger import Action, consistency_proof, inclusion_proof, record, record_many, verify
from secplan.ledger.merkle import consistency_path_of, inclusion_path_of, verify_consistency, verify_inclusion
from secplan.ledger.tiles import TileReader
from secplan.store.db import Store

from .conftest import Attacker


def _append(store: Store, sizes: list[int]) -> None:
    """Append batches of the given sizes, reopening the store halfway (a new process's writer)."""
    second = Store(store.url, store.home)
    for n, size in enumerate(sizes):
        writer = store if n <= len(sizes) // 2 else second
        if size == 1:
            record(writer, action="data.read", obj=f"d:{n}")
        else:
            record_many(writer, [Action("data.read", f"d:{n}:{i}", {"i": i}) for i in range(size)])
    second.dispose()


def _batches(total: int, rng: random.Random) -> list[int]:
    sizes, left = [], total
    while left:
        size = min(left, rng.choice([1, 1, 2, 3, 7, 31, 255, 256, 257, 600]))
        sizes.append(size)
        left -= size
    return sizes


def _leaves(store: Store) -> list[bytes]:
    with store.engine.connect() as conn:
        return [bytes.fromhex(h) for (h,) in conn.execute(text("SELECT entry_hash FROM ledger_entries ORDER BY seq"))]


class Reference:
    """RFC 9162 section 2.1 written out recursively over the leaf hashes (slow, obviously right)."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.leaves = leaves

    @functools.cache  # noqa: B019 - one object per test
    def mth(self, start: int, end: int) -> bytes:
        if end - start == 1:
            return self.leaves[start]
        k = 1
        while k * 2 < end - start:
            k *= 2
        return hashlib.sha256(b"\x01" + self.mth(start, start + k) + self.mth(start + k, end)).digest()

    def path(self, m: int, start: int, end: int) -> list[bytes]:
        if end - start == 1:
            return []
        k = 1
        while k * 2 < end - start:
            k *= 2
        if m < k:
            return [*self.path(m, start, start + k), self.mth(start + k, end)]
        return [*self.path(m - k, start + k, end), self.mth(start, start + k)]

    def subproof(self, m: int, start: int, end: int, b: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if b else [self.mth(start, end)]
        k = 1
        while k * 2 < n:
            k *= 2
        if m <= k:
            return [*self.subproof(m, start, start + k, b), self.mth(start + k, end)]
        return [*self.subproof(m - k, start + k, end, False), self.mth(start, start + k)]


def test_every_proof_at_every_size_up_to_300_matches_rfc6962(store: Store) -> None:
    _append(store, _batches(300, random.Random(1)))
    ref = Reference(_leaves(store))
    with store.engine.connect() as conn:
        for n in range(1, 301):
            reader = TileReader(conn, n)
            assert reader.subtree(0, n) == ref.mth(0, n)
            for i in range(n):
                assert inclusion_path_of(reader.subtree, i, n) == ref.path(i, 0, n), (i, n)
            for m in range(1, n + 1):
                assert consistency_path_of(reader.subtree, m, n) == ref.subproof(m, 0, n, True), (m, n)


def test_random_sizes_up_to_a_few_thousand(store: Store) -> None:
    rng = random.Random(7)
    total = 3000
    _append(store, _batches(total, rng))
    leaves = _leaves(store)
    ref = Reference(leaves)
    with store.engine.connect() as conn:
        for n in [*sorted(rng.sample(range(1, total + 1), 12)), total]:
            reader = TileReader(conn, n)
            root = ref.mth(0, n)
            for i in range(n):
                path = inclusion_path_of(reader.subtree, i, n)
                assert path == ref.path(i, 0, n), (i, n)
                assert verify_inclusion(leaves[i], i, n, path, root)
            for m in rng.sample(range(1, n + 1), min(n, 40)):
                proof = consistency_path_of(reader.subtree, m, n)
                assert proof == ref.subproof(m, 0, n, True), (m, n)
                assert verify_consistency(m, n, proof, ref.mth(0, m), root)
                assert not verify_consistency(m, n, proof, ref.mth(0, m), hashlib.sha256(root).digest())


def _tiles(store: Store) -> dict[tuple[int, int], bytes]:
    with store.engine.connect() as conn:
        return {(lv, ix): bytes(h) for lv, ix, h in conn.execute(text("SELECT level, idx, hashes FROM ledger_tiles"))}


def test_stored_tiles_are_the_tlog_tiles_layout(store: Store) -> None:
    _append(store, _batches(1000, random.Random(3)))
    ref = Reference(_leaves(store))
    tiles = _tiles(store)
    # tlog-tiles: tile n at level l holds MTH(D[(n*256+i)*256**l : (n*256+i+1)*256**l]); the partial
    # tile at level l of a tree of size s has floor(s / 256**l) mod 256 hashes.
    assert sorted(tiles) == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)]
    for (level, n), data in tiles.items():
        width = 256 if n < (1000 // 256**level) // 256 else (1000 // 256**level) % 256
        assert len(data) == 32 * width, (level, n)
        for i in range(width):
            span = 256**level
            assert data[32 * i : 32 * i + 32] == ref.mth((n * 256 + i) * span, (n * 256 + i + 1) * span)


def test_tiles_of_the_spec_example_size_70000(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    home = tmp_path / ".secplan"
    home.mkdir()
    store = Store(f"sqlite:///{home / 'db'}", home)
    for start in range(0, 70_000, 5000):
        record_many(store, [Action("data.read", f"d:{i}") for i in range(start, start + 5000)])
    widths = {key: len(data) // 32 for key, data in _tiles(store).items()}
    # "273 full level 0 tiles, one partial level 0 tile of width 112, one full level 1 tile, one
    # partial level 1 tile of width 17, and one partial level 2 tile of width 1."
    assert [k for k, w in widths.items() if k[0] == 0 and w == 256] == [(0, i) for i in range(273)]
    assert (widths[(0, 273)], widths[(1, 0)], widths[(1, 1)], widths[(2, 0)]) == (112, 256, 17, 1)
    assert len(widths) == 273 + 4
    leaves = _leaves(store)
    root = Reference(leaves).mth(0, 70_000)
    for seq in (1, 256, 257, 65_536, 65_537, 69_999, 70_000):
        proof = inclusion_proof(store, seq)
        assert verify_inclusion(leaves[seq - 1], seq - 1, 70_000, [bytes.fromhex(h) for h in proof.path], root)
    assert consistency_proof(store, 65_536).old_root == Reference(leaves).mth(0, 65_536).hex()
    store.dispose()


def test_damaged_or_missing_tiles_are_rebuilt_from_the_entries(store: Store, attacker: Attacker) -> None:
    _append(store, [100, 200, 5])
    expected = inclusion_proof(store, 42).path
    attacker.sql("UPDATE ledger_tiles SET hashes = :h WHERE level = 0 AND idx = 0", h=b"\x00" * 8192)
    assert inclusion_proof(store, 42).path == expected
    attacker.sql("DELETE FROM ledger_tiles")
    assert consistency_proof(store, 100).path  # rebuilt on first need
    record(store, action="data.read", obj="d:last")  # the writer's right edge survives a rebuild
    assert verify(store).ok
    assert inclusion_proof(store, 306).entry.object == "d:last"


def test_a_rewrite_is_not_proved_even_with_rebuilt_tiles(store: Store, attacker: Attacker) -> None:
    _append(store, [50, 50])
    attacker.sql("UPDATE ledger_entries SET outcome = 'failure' WHERE seq = 10")
    attacker.rehash_from(10)
    for call in (lambda: inclusion_proof(store, 60), lambda: consistency_proof(store, 50)):
        with pytest.raises(IntegrityError, match="cannot be proved"):
            call()
