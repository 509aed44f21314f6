"""The Merkle tree's interior hashes, stored as C2SP tlog-tiles tiles so that proofs read O(log n) rows.

A tile at level L, index N holds up to 256 consecutive node hashes of height 8L (level 0: the leaf
hashes); any node of the tree is one tile read plus at most 127 hashes away. Appends extend the
right edge of each level in the same transaction as the entries (``TileWriter``); proofs read tiles
(``TileReader``). Tiles are derived data: a proof built from them is checked against a signed root
before it is given out, and a ledger whose tiles are missing or wrong gets them rebuilt from its
entries (``build_tiles``), once, under the append lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, delete, select, text, tuple_

from secplan.errors import IntegrityError
from secplan.ledger.merkle import Frontier, append_nodes, perfect_root, range_hash
from secplan.ledger.records import ENTRIES, TILES, for_driver

WIDTH = 256
"""Hashes in a full tile (C2SP tlog-tiles)."""
HASH = 32
_APPEND_LOCK_KEY = 0x5EC9_1ED6
_FLUSH_EVERY = 64 * WIDTH
_READ_PAGE = 50_000
_HINT = "run `secplan audit verify` to find the damaged entry"


def lock_appends(conn: Connection) -> None:
    """Serialise writers of the ledger: on PostgreSQL a transaction-scoped advisory lock (SQLite's
    BEGIN IMMEDIATE, issued by the store for every transaction, already does it)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _APPEND_LOCK_KEY})


def edge(size: int) -> list[tuple[int, int, int]]:
    """``(level, index, width)`` of the partial tile of every level for a tree of ``size`` leaves."""
    out, level = [], 0
    while size >> (8 * level):
        index, width = divmod(size >> (8 * level), WIDTH)
        if width:
            out.append((level, index, width))
        level += 1
    return out


class MissingTile(Exception):
    """A tile a proof needs is absent or shorter than the tree says it must be."""


class TileWriter:
    """The right-edge tile of every level, extended leaf by leaf and written with the append."""

    __slots__ = ("_dirty", "_edges")

    def __init__(self, edges: dict[int, tuple[int, bytearray]] | None = None) -> None:
        self._edges = edges if edges is not None else {}
        self._dirty: dict[tuple[int, int], bytearray] = {}

    @classmethod
    def load(cls, conn: Connection, size: int) -> TileWriter | None:
        """The right edge of a tree of ``size`` leaves from the database; None if a tile is missing."""
        wanted = {(level, index): width for level, index, width in edge(size)}
        if not wanted:
            return cls()
        rows = conn.execute(
            select(TILES.c.level, TILES.c.idx, TILES.c.hashes).where(tuple_(TILES.c.level, TILES.c.idx).in_(list(wanted)))
        ).all()
        edges = {}
        for level, index, data in rows:
            width = wanted.pop((level, index))
            if len(data) < width * HASH:
                return None
            edges[level] = (index, bytearray(data[: width * HASH]))
        return None if wanted else cls(edges)

    def add(self, size: int, nodes: Iterable[tuple[int, bytes]]) -> None:
        """Record the nodes ``append_nodes`` completed when the tree reached ``size`` leaves."""
        for height, digest in nodes:
            level = height >> 3
            index = (size >> height) - 1
            tile, position = divmod(index, WIDTH)
            if position == 0:
                buf = bytearray(digest)
                self._edges[level] = (tile, buf)
            else:
                buf = self._edges[level][1]
                buf += digest
            self._dirty[(level, tile)] = buf

    def flush(self, conn: Connection) -> None:
        """Write the tiles changed since the last flush (insert, or replace the grown right edge)."""
        if not self._dirty:
            return
        rows = [(level, index, bytes(buf)) for (level, index), buf in self._dirty.items()]
        conn.exec_driver_sql(for_driver(_UPSERT, conn.dialect.paramstyle), rows)
        self._dirty = {}

    def copy(self) -> TileWriter:
        return TileWriter({level: (index, bytearray(buf)) for level, (index, buf) in self._edges.items()})


_UPSERT = (f"INSERT INTO {TILES.name} (level, idx, hashes) VALUES (?, ?, ?) "
           "ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes")


class TileReader:
    """Node hashes of a tree of ``size`` leaves, read from tiles (each tile read once per reader)."""

    def __init__(self, conn: Connection, size: int) -> None:
        self.conn = conn
        self.size = size
        self._tiles: dict[tuple[int, int], bytes] = {}
        self._nodes: dict[tuple[int, int], bytes] = {}

    def prefetch(self, build: Callable[[Callable[[int, int], bytes]], object]) -> None:
        """Run ``build(subtree)`` once with placeholder hashes to learn which tiles it reads, then read
        them all in one statement (one round trip to PostgreSQL instead of one per tile)."""
        needed: set[tuple[int, int]] = set()

        def record(height: int, index: int) -> bytes:
            level, rest = divmod(height, 8)
            needed.add((level, (index << rest) // WIDTH))
            return bytes(HASH)

        build(lambda start, end: range_hash(record, start, end))
        missing = [key for key in needed if key not in self._tiles]
        if missing:
            query = select(TILES.c.level, TILES.c.idx, TILES.c.hashes).where(tuple_(TILES.c.level, TILES.c.idx).in_(missing))
            for level, index, data in self.conn.execute(query):
                self._tiles[(level, index)] = bytes(data)

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end])."""
        return range_hash(self.node, start, end)

    def node(self, height: int, index: int) -> bytes:
        found = self._nodes.get((height, index))
        if found is None:
            found = self._nodes[(height, index)] = self._node(height, index)
        return found

    def _node(self, height: int, index: int) -> bytes:
        level, rest = divmod(height, 8)
        first = index << rest
        tile, offset = divmod(first, WIDTH)
        data = self.tile(level, tile)
        end = (offset + (1 << rest)) * HASH
        if len(data) < end:
            raise MissingTile(f"tile {level}/{tile} has {len(data) // HASH} hashes, {end // HASH} needed")
        hashes = [data[i : i + HASH] for i in range(offset * HASH, end, HASH)]
        return perfect_root(hashes) if rest else hashes[0]

    def tile(self, level: int, index: int) -> bytes:
        """The stored hashes of tile ``level/index`` (as many as it has)."""
        found = self._tiles.get((level, index))
        if found is None:
            found = self.conn.execute(
                select(TILES.c.hashes).where(TILES.c.level == level, TILES.c.idx == index)
            ).scalar()
            if found is None:
                raise MissingTile(f"tile {level}/{index} is missing")
            found = self._tiles[(level, index)] = bytes(found)
        return found


def build_tiles(conn: Connection, size: int, on_progress: Callable[[int, int], None] | None = None) -> Frontier:
    """Replace every tile with ones recomputed from the stored leaf hashes of entries 1..``size``.

    Run under the append lock, in a write transaction. Returns the frontier of the stored leaves
    (the caller compares its root with the signed one). A gap in the entries is an IntegrityError."""
    conn.execute(delete(TILES))
    frontier, writer, nodes, after = Frontier(), TileWriter(), [], 0
    while after < size:
        rows = conn.execute(
            select(ENTRIES.c.seq, ENTRIES.c.entry_hash)
            .where(ENTRIES.c.seq > after, ENTRIES.c.seq <= size)
            .order_by(ENTRIES.c.seq)
            .limit(_READ_PAGE)
        ).all()
        if not rows:
            raise IntegrityError(f"ledger entry {after + 1} is missing from the database", hint=_HINT)
        for seq, digest in rows:
            if seq != frontier.size + 1:
                raise IntegrityError(f"ledger entry {frontier.size + 1} is missing from the database", hint=_HINT)
            nodes.clear()
            append_nodes(frontier, bytes.fromhex(digest), nodes)
            writer.add(frontier.size, nodes)
            if frontier.size % _FLUSH_EVERY == 0:
                writer.flush(conn)
                if on_progress is not None:
                    on_progress(frontier.size, size)
        after = rows[-1][0]
    writer.flush(conn)
    if on_progress is not None:
        on_progress(frontier.size, size)
    return frontier
