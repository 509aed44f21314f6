"""Export: the whole ledger as JSON lines, checkpoints in place, for archiving or offline checking.

Line 1 names the format and the public key; then every entry in seq order, each checkpoint right
after the entry that completes it. Written as a stream, so a million entries never sit in memory.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from secplan.ledger.entry import FORMAT_VERSION
from secplan.ledger.reading import bounds, iter_checkpoints, iter_entries
from secplan.ledger.signing import LedgerFiles, key_id, load_signer, public_hex
from secplan.store.db import Store

FORMAT = "secplan-ledger"


def export(store: Store, dest: TextIO) -> int:
    """Write the ledger to ``dest``; returns the number of entries written."""
    files = LedgerFiles.for_home(store.home)
    signer = load_signer(files)
    header: dict[str, Any] = {"type": FORMAT, "version": FORMAT_VERSION, "public_key": None, "key_id": None}
    if signer is not None:
        header["public_key"] = public_hex(signer.public_key)
        header["key_id"] = key_id(signer.public_key)
    _line(dest, header)
    last_seq, newest = bounds(store)
    checkpoints = iter_checkpoints(store, newest)
    pending = next(checkpoints, None)
    count = 0
    for entry in iter_entries(store, last_seq):
        _line(dest, {"type": "entry", **entry.to_json()})
        count += 1
        while pending is not None and pending.tree_size <= entry.seq:
            _line(dest, {"type": "checkpoint", **pending.to_json()})
            pending = next(checkpoints, None)
    while pending is not None:  # checkpoints beyond the last entry: exported as they are, for the auditor
        _line(dest, {"type": "checkpoint", **pending.to_json()})
        pending = next(checkpoints, None)
    return count


def _line(dest: TextIO, record: dict[str, Any]) -> None:
    dest.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
