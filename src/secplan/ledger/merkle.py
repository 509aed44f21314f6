"""RFC 6962 Merkle tree hashing: leaves, interior nodes, the compact frontier, inclusion and consistency proofs.

Using the Certificate Transparency construction (rather than an ad-hoc one) means any RFC 6962 /
RFC 9162 verifier can check secplan's inclusion proofs, and the 0x00 / 0x01 prefixes keep a leaf
from ever being passed off as an interior node (second-preimage attacks).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

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


Subtree = Callable[[int, int], bytes]
"""``subtree(start, end)`` -> MTH(D[start:end]): how proofs read the tree (a leaf list, or stored tiles)."""


def append_nodes(frontier: Frontier, leaf: bytes, out: list[tuple[int, bytes]]) -> None:
    """``frontier.append(leaf)``, also collecting the nodes it completes at heights 0, 8, 16, ...

    Those are the hashes C2SP tlog-tiles stores (a tile at level L holds nodes of height 8L); the
    node of height ``h`` just completed is the one ending at the new size: index ``(size >> h) - 1``."""
    out.append((0, leaf))
    carry, size, height = leaf, frontier.size, 0
    hashes = frontier.hashes
    while size & 1:
        carry = node_hash(hashes.pop(), carry)
        size >>= 1
        height += 1
        if not height & 7:
            out.append((height, carry))
    hashes.append(carry)
    frontier.size += 1


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """The root over a power-of-two count of equal-height hashes, hashed level by level."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def range_hash(node: Callable[[int, int], bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range that RFC 6962's recursion produces (``start`` aligned to the
    subtree), from ``node(height, index)``: the root of the perfect subtree of 2**height leaves."""
    size = end - start
    if size & (size - 1) == 0:
        height = size.bit_length() - 1
        return node(height, start >> height)
    split = _largest_power_of_two_below(size)
    return node_hash(range_hash(node, start, start + split), range_hash(node, start + split, end))


def list_subtree(leaves: Sequence[bytes]) -> Subtree:
    """``subtree`` over leaf hashes held in memory (tests, small trees)."""

    def node(height: int, index: int) -> bytes:
        return perfect_root(leaves[index << height : (index + 1) << height])

    return lambda start, end: range_hash(node, start, end)


def _largest_power_of_two_below(n: int) -> int:
    """The k of RFC 6962 section 2.1: the largest power of two strictly smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_path(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[0:n]) of RFC 6962 section 2.1.1 over leaf hashes in memory."""
    return inclusion_path_of(list_subtree(leaves), index, len(leaves))


def inclusion_path_of(subtree: Subtree, index: int, size: int) -> list[bytes]:
    """PATH(m, D[0:n]) (RFC 9162 section 2.1.3.1): the sibling subtree roots from the leaf up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")
    path: list[bytes] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _largest_power_of_two_below(end - start)
        if m < k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start, m = start + k, m - k
    path.reverse()
    return path


def consistency_path_of(subtree: Subtree, old: int, new: int) -> list[bytes]:
    """PROOF(m, D[n]) (RFC 9162 section 2.1.4.1): what shows the tree of ``old`` leaves is a prefix of
    the tree of ``new`` leaves. Empty when ``old`` is 0 or equal to ``new``."""
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    path: list[bytes] = []
    start, end, m, complete = 0, new, old, True
    while m != end - start:
        k = _largest_power_of_two_below(end - start)
        if m <= k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        path.append(subtree(start, end))
    path.reverse()
    return path


def verify_consistency(old: int, new: int, path: Sequence[bytes], old_root: bytes, new_root: bytes) -> bool:
    """Check a consistency proof (RFC 9162 section 2.1.4.2) between two tree heads."""
    if not 0 <= old <= new:
        return False
    if old == new:
        return not path and old_root == new_root
    if old == 0:
        return not path
    if not path:
        return False
    proof = list(path)
    if old & (old - 1) == 0:
        proof.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


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
