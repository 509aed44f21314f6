"""RFC 6962 hashing against the Certificate Transparency reference vectors and a direct recursive MTH."""

from __future__ import annotations

import hashlib

import pytest

from secplan.ledger.merkle import (
    EMPTY_ROOT,
    Frontier,
    inclusion_path,
    leaf_hash,
    node_hash,
    tree_root,
    verify_inclusion,
)

# The RFC 6962 test tree used by Certificate Transparency implementations: leaf inputs and the
# published tree heads for sizes 1..8.
CT_INPUTS = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                         "606162636465666768696a6b6c6d6e6f")]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PATHS = {  # (leaf index, tree size) -> audit path, from the same reference data
    (0, 8): ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    (5, 8): ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
}


def reference_mth(leaves: list[bytes]) -> bytes:
    """MTH exactly as RFC 6962 section 2.1 defines it, recursively (slow, obviously correct)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(reference_mth(leaves[:k]), reference_mth(leaves[k:]))


def test_empty_and_leaf_hashes() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert tree_root([]) == EMPTY_ROOT
    assert leaf_hash(b"").hex() == CT_ROOTS[0]


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_reference_vectors(size: int) -> None:
    leaves = [leaf_hash(x) for x in CT_INPUTS[:size]]
    assert tree_root(leaves).hex() == CT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size"), sorted(CT_PATHS))
def test_paths_match_reference_vectors(index: int, size: int) -> None:
    leaves = [leaf_hash(x) for x in CT_INPUTS[:size]]
    path = inclusion_path(leaves, index)
    assert [h.hex() for h in path] == CT_PATHS[(index, size)]
    assert verify_inclusion(leaves[index], index, size, path, bytes.fromhex(CT_ROOTS[size - 1]))


def test_frontier_matches_recursive_definition_for_every_size() -> None:
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(70)]
    frontier = Frontier()
    for n, leaf in enumerate(leaves, start=1):
        frontier.append(leaf)
        assert len(frontier.hashes) == n.bit_count()
        assert frontier.root() == reference_mth(leaves[:n]), n
    resumed = Frontier(frontier.size, frontier.hashes)
    assert resumed.root() == frontier.root()


def test_every_inclusion_proof_verifies_and_wrong_ones_do_not() -> None:
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(37)]
    for size in range(1, len(leaves) + 1):
        root = reference_mth(leaves[:size])
        for index in range(size):
            path = inclusion_path(leaves[:size], index)
            assert verify_inclusion(leaves[index], index, size, path, root), (index, size)
            if size > 1:
                other = (index + 1) % size
                assert not verify_inclusion(leaves[other], index, size, path, root)
                assert not verify_inclusion(leaves[index], other, size, path, root)
                assert not verify_inclusion(leaves[index], index, size, path[:-1], root)
                assert not verify_inclusion(leaves[index], index, size, [*path, path[0]], root)


def test_inclusion_rejects_out_of_range() -> None:
    leaves = [leaf_hash(b"a")]
    with pytest.raises(ValueError):
        inclusion_path(leaves, 1)
    assert not verify_inclusion(leaves[0], 1, 1, [], leaves[0])
    assert verify_inclusion(leaves[0], 0, 1, [], leaves[0])


def test_frontier_refuses_an_inconsistent_state() -> None:
    with pytest.raises(ValueError):
        Frontier(3, [leaf_hash(b"a")])
