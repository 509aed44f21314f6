"""RFC 6962 Merkle tree hashing: leaves, interior nodes, the compact frontier, inclusion proofs.

Using the Certificate Transparency construction (rather than an ad-hoc one) means any RFC 6962 /
RFC 9162 verifier can check secplan's inclusion proofs, and the 0x00 / 0x01 prefixes keep a leaf
from ever being passed off as an interior node (second-preimage attacks).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class Frontier:
    """The roots of the perfect subtrees that make up a tree of ``size`` leaves, largest first.

    This is all an append-only log needs to keep to extend the tree and compute its root in
    O(log n) per leaf, instead of rehashing every leaf on every append.
    """

    __slots__ = ("hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError(f"a frontier of {size} leaves has {size.bit_count()} hashes, not {len(hashes)}")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash: merge equal-height subtrees, as a binary counter carries."""
        carry = leaf
        size = self.size
        while size & 1:
            carry = node_hash(self.hashes.pop(), carry)
            size >>= 1
        self.hashes.append(carry)
        self.size += 1

    def root(self) -> bytes:
        """The RFC 6962 tree head: subtrees folded right to left (the left one is always the larger)."""
        if not self.hashes:
            return EMPTY_ROOT
        acc = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            acc = node_hash(h, acc)
        return acc

    def copy(self) -> Frontier:
        return Frontier(self.size, self.hashes)


def tree_root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[0:n]) of a list of leaf hashes."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def _subtree_root(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    if end - start == 1:
        return leaves[start]
    if (end - start) & (end - start - 1) == 0:  # perfect subtree: hash level by level, no recursion
        level = list(leaves[start:end])
        while len(level) > 1:
            level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
        return level[0]
    split = _largest_power_of_two_below(end - start)
    return node_hash(_subtree_root(leaves, start, start + split), _subtree_root(leaves, start + split, end))


def _largest_power_of_two_below(n: int) -> int:
    """The k of RFC 6962 section 2.1: the largest power of two strictly smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_path(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[0:n]) of RFC 6962 section 2.1.1: the sibling subtree roots from the leaf up."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf index {index} is outside a tree of {len(leaves)} leaves")
    path: list[bytes] = []
    start, end, m = 0, len(leaves), index
    while end - start > 1:
        k = _largest_power_of_two_below(end - start)
        if m < k:
            path.append(_subtree_root(leaves, start + k, end))
            end = start + k
        else:
            path.append(_subtree_root(leaves, start, start + k))
            start, m = start + k, m - k
    path.reverse()
    return path


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes) -> bool:
    """Check an audit path (RFC 9162 section 2.1.3.2): does ``leaf`` sit at ``index`` under ``root``?"""
    if not 0 <= index < size:
        return False
    fn, sn, acc = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            acc = node_hash(sibling, acc)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            acc = node_hash(acc, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and acc == root
