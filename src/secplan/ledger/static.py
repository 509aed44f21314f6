"""Export as a static tiled log (C2SP tlog-tiles): checkpoint, tiles and entry bundles as plain files.

The folder can be served by any web server or copied to a WORM bucket, and checked offline by any
tlog client (or ``tests/ledger/c2sp.py``) with nothing but the ledger's public key:

    checkpoint                      the newest signed checkpoint note
    tile/<L>/<N>[.p/<W>]            256 hashes of height 8L (W for the right edge)
    tile/entries/<N>[.p/<W>]        the entries' hashed bytes, each as a big-endian uint16 length + bytes

Everything is written to a temporary folder beside the target, checked (each bundle rehashes to
its level-0 tile, the tiles give the signed root), and only then renamed into place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from secplan.errors import InputError, IntegrityError
from secplan.ledger.merkle import leaf_hash
from secplan.ledger.proof import rebuild_tiles
from secplan.ledger.reading import iter_entries
from secplan.ledger.records import TILES
from secplan.ledger.signing import Checkpoint
from secplan.ledger.tiles import HASH, WIDTH, MissingTile, TileReader
from secplan.store.db import Store

_HINT = "run `secplan audit verify` to find the damaged entry"
Progress = Callable[[int, int], None]


def tile_path(level: int | str, index: int, width: int) -> str:
    """``tile/<L>/<N>[.p/<W>]`` with N in 3-digit groups, all but the last prefixed with ``x``."""
    groups = []
    while True:
        index, rest = divmod(index, 1000)
        groups.append(f"{rest:03d}")
        if index == 0:
            break
    groups.reverse()
    name = "/".join([f"x{g}" for g in groups[:-1]] + [groups[-1]])
    return f"tile/{level}/{name}" + ("" if width == WIDTH else f".p/{width}")


def export_tiles(store: Store, dest: Path, checkpoint: Checkpoint, on_progress: Progress | None = None) -> int:
    """Write the tiled log of ``checkpoint`` (a signed note) to ``dest``; returns the entry count.

    ``dest`` must not exist or be an empty folder (anything else is an ``InputError``)."""
    if checkpoint.note is None:
        raise InputError("the newest ledger checkpoint predates signed notes, so it cannot head a tiled log",
                         hint="record any action (it signs a new checkpoint as a note), then export again")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InputError(f"{dest} already exists and is not an empty folder", hint="choose a new folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        try:
            _write(store, tmp, checkpoint, on_progress)
        except _StaleTiles:  # a ledger from before tiles, or damaged tiles: rebuilt once, as for proofs
            shutil.rmtree(tmp)
            tmp.mkdir(mode=0o700)
            rebuild_tiles(store)
            _write(store, tmp, checkpoint, on_progress)
        if dest.exists():
            dest.rmdir()  # empty, checked above
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return checkpoint.tree_size


class _StaleTiles(Exception):
    pass


def _write(store: Store, root: Path, checkpoint: Checkpoint, on_progress: Progress | None) -> None:
    size = checkpoint.tree_size
    with store.engine.connect() as conn:
        reader = TileReader(conn, size)
        try:
            ok = reader.subtree(0, size).hex() == checkpoint.root_hash
        except MissingTile:
            ok = False
        if not ok:
            raise _StaleTiles
        level = 0
        while size >> (8 * level):
            count = size >> (8 * level)
            rows = conn.execute(
                select(TILES.c.idx, TILES.c.hashes).where(TILES.c.level == level, TILES.c.idx <= (count - 1) // WIDTH)
                .order_by(TILES.c.idx)
            )
            for index, data in rows:
                width = min(WIDTH, count - index * WIDTH)
                _put(root / tile_path(level, index, width), bytes(data[: width * HASH]))
            level += 1
        _bundles(store, reader, root, size, on_progress)
    _put(root / "checkpoint", checkpoint.note.encode("utf-8"))


def _bundles(store: Store, reader: TileReader, root: Path, size: int, on_progress: Progress | None) -> None:
    """Entry bundles, each checked against its level-0 tile as it is written."""
    bundle, index, count = bytearray(), 0, 0
    expected = b""
    for entry in iter_entries(store, size, conn=reader.conn):
        count += 1
        if entry.seq != count:
            raise IntegrityError(f"ledger entry {count} is missing from the database", hint=_HINT)
        data = entry.canonical_with(entry.prev_hash)
        position = (entry.seq - 1) % WIDTH
        if position == 0:
            expected = reader.tile(0, index)
        if leaf_hash(data) != expected[position * HASH : (position + 1) * HASH]:
            raise IntegrityError(f"ledger entry {entry.seq} does not match the tree's leaf hash", hint=_HINT)
        if len(data) > 0xFFFF:
            raise IntegrityError(f"ledger entry {entry.seq} is over 65,535 bytes: it does not fit an entry bundle")
        bundle += len(data).to_bytes(2, "big") + data
        if position == WIDTH - 1 or entry.seq == size:
            _put(root / tile_path("entries", index, position + 1), bytes(bundle))
            bundle, index = bytearray(), index + 1
            if on_progress is not None:
                on_progress(entry.seq, size)
    if count < size:
        raise IntegrityError(f"ledger entry {count + 1} is missing from the database", hint=_HINT)


def _put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(data)
