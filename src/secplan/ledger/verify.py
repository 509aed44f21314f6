"""Verifying the ledger: recompute every hash, the chain and the tree, and hold them to the signed checkpoints.

Three independent checks find tampering and name the first entry it touched:

* each entry's stored ``prev_hash`` and ``entry_hash`` must match what its content recomputes to
  (catches edits that leave the hashes alone);
* seq numbers must run 1, 2, 3, ... (catches a deleted row);
* the tree recomputed from the entries' content must have the signed root at every checkpoint size,
  and no entry may lie beyond the newest checkpoint (DB or mirror file, whichever is larger).
  This catches an attacker who rewrote rows and recomputed every hash: they cannot sign.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from secplan.crypto.keys.signer import PublicKey
from secplan.errors import SecplanError
from secplan.ledger.entry import GENESIS_PREV, Entry
from secplan.ledger.merkle import Frontier, leaf_hash
from secplan.ledger.reading import bounds, iter_checkpoints, iter_entries
from secplan.ledger.signing import Checkpoint, LedgerFiles, load_signer, read_mirror, signature_problem
from secplan.store.db import Store

_PROGRESS_EVERY = 5000


@dataclass
class VerifyReport:
    """The outcome of ``verify``. ``first_bad`` is the seq of the first entry that is not authentic."""

    ok: bool
    entries: int = 0
    checkpoints: int = 0
    tree_size: int = 0
    root_hash: str = ""
    first_bad: int | None = None
    kind: str | None = None
    """What was found: ``modified`` (stored hashes disagree with the content), ``rewritten`` (content and
    hashes changed together; caught by a signed checkpoint), ``missing`` (a gap in seq), ``truncated``
    (a signed checkpoint covers entries that are gone), ``unsigned`` (entries beyond every checkpoint),
    ``checkpoint`` (a bad signature or checkpoint file), ``key`` (the signing key is missing or unusable)."""
    message: str = ""
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Found(Exception):
    """The first problem a walk found: the entry (if one), its kind and the message."""

    def __init__(self, seq: int | None, kind: str, message: str) -> None:
        super().__init__(message)
        self.seq, self.kind, self.message = seq, kind, message


def verify(store: Store, *, on_progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Check the whole ledger; never raises for tampering (the report says what is wrong).

    ``on_progress(done, total)`` is called every few thousand entries (for a progress bar)."""
    files = LedgerFiles.for_home(store.home)
    report = VerifyReport(ok=True)
    try:
        mirror = read_mirror(files)  # before the bounds: the file is written after its commit
    except SecplanError as exc:
        return fail(report, None, "checkpoint", exc.message)
    try:
        key = load_signer(files)
    except SecplanError as exc:
        return fail(report, None, "key", exc.message)
    last_seq, newest = bounds(store)
    if mirror is None and newest:
        report.warnings.append(f"no checkpoint file {files.mirror}: truncation is checked against the database only")
    if key is None:
        if last_seq or newest or mirror is not None:
            return fail(report, None, "key", f"the ledger signing key {files.key} is missing: checkpoints cannot be checked")
        return report
    if mirror is not None:  # held to the key before its size is trusted: an edited size is not a truncation
        problem = signature_problem(key.public_key, mirror)
        if problem:
            return fail(report, None, "checkpoint",
                         f"the checkpoint in {files.mirror} (size {mirror.tree_size}) is not the ledger's: {problem}")
    upto = max(last_seq, newest, mirror.tree_size if mirror else 0)
    checkpoints = _merged(iter_checkpoints(store, upto), mirror)
    try:
        walk(iter_entries(store, upto), upto, key.public_key, checkpoints, report, on_progress)
    except Found as found:
        return fail(report, found.seq, found.kind, found.message)
    return report


def fail(report: VerifyReport, seq: int | None, kind: str, message: str) -> VerifyReport:
    report.ok, report.first_bad, report.kind, report.message = False, seq, kind, message
    return report


def _merged(stored: Iterator[Checkpoint], mirror: Checkpoint | None) -> Iterator[tuple[Checkpoint, str]]:
    """Database checkpoints and the mirrored one, in size order, each labelled with where it came from."""
    labelled = ((c, "database") for c in stored)
    if mirror is None:
        return labelled
    return heapq.merge(labelled, [(mirror, "checkpoint file")], key=lambda pair: pair[0].tree_size)


def walk(
    entries: Iterable[Entry],
    upto: int,
    public: PublicKey,
    checkpoints: Iterator[tuple[Checkpoint, str]],
    report: VerifyReport,
    on_progress: Callable[[int, int], None] | None,
) -> None:
    """Recompute the chain and tree over ``entries`` and hold them to ``checkpoints`` (in size order);
    raises :class:`Found` for the first problem. Shared by the store check and the export check."""
    frontier = Frontier()
    prev = GENESIS_PREV
    trusted = 0  # entries 1..trusted match a validly signed checkpoint
    suspect: tuple[int, str] | None = None  # first entry whose stored hashes disagree with its content
    pending = next(checkpoints, None)
    for entry in entries:
        expected = frontier.size + 1
        if entry.seq != expected:
            gap = (expected, "missing", f"entry {expected} is missing: the entry after {expected - 1} is {entry.seq}")
            raise Found(*min(filter(None, [_as_modified(suspect), gap])))
        computed = leaf_hash(entry.canonical_with(prev)).hex()
        if suspect is None and (entry.prev_hash != prev or entry.entry_hash != computed):
            broken = entry.prev_hash != prev
            what = "its link to the previous entry is broken" if broken else "its content does not match its hash"
            suspect = (entry.seq, what)
        frontier.append(bytes.fromhex(computed))
        prev = computed
        if on_progress is not None and frontier.size % _PROGRESS_EVERY == 0:
            on_progress(frontier.size, upto)
        if pending is None:  # an export's checkpoints become known as its lines are read
            pending = next(checkpoints, None)
        while pending is not None and pending[0].tree_size == frontier.size:
            trusted = _check_checkpoint(pending, frontier, public, trusted, suspect)
            report.checkpoints += 1
            pending = next(checkpoints, None)
    report.entries = frontier.size
    report.tree_size = frontier.size
    report.root_hash = frontier.root().hex()
    candidates = [_as_modified(suspect)]
    if pending is None:
        pending = next(checkpoints, None)
    if pending is not None:  # checkpoints cover more entries than exist: a truncation if validly signed
        beyond = [pending, *checkpoints]
        for cp, source in beyond if suspect is None else ():
            invalid = signature_problem(public, cp)
            if invalid:
                raise Found(None, "checkpoint", f"the checkpoint at size {cp.tree_size} in the {source} (the ledger "
                             f"ends at {frontier.size}) is not validly signed: {invalid}")
        largest, source = max(beyond, key=lambda pair: pair[0].tree_size)
        candidates.append(
            (
                frontier.size + 1,
                "truncated",
                f"entries {frontier.size + 1}..{largest.tree_size} are missing: the signed checkpoint in the "
                f"{source} covers {largest.tree_size} entries and the ledger ends at {frontier.size}",
            )
        )
    if trusted < frontier.size:
        candidates.append(
            (
                trusted + 1,
                "unsigned",
                f"entry {trusted + 1} is not covered by any signed checkpoint: it was added without the ledger's key",
            )
        )
    found = [c for c in candidates if c is not None]
    if found:
        raise Found(*min(found))


def _as_modified(suspect: tuple[int, str] | None) -> tuple[int, str, str] | None:
    if suspect is None:
        return None
    return (suspect[0], "modified", f"entry {suspect[0]}: {suspect[1]}")


def _check_checkpoint(
    pending: tuple[Checkpoint, str],
    frontier: Frontier,
    public: PublicKey,
    trusted: int,
    suspect: tuple[int, str] | None,
) -> int:
    """Hold the recomputed tree to one checkpoint; returns the new count of trusted entries."""
    cp, source = pending
    first = trusted + 1
    invalid = signature_problem(public, cp)
    if invalid:
        problem = f"the checkpoint at size {cp.tree_size} in the {source} is not validly signed: {invalid}"
        if suspect is None:
            covered = f"entries {first}..{cp.tree_size} are" if first < cp.tree_size else f"entry {cp.tree_size} is"
            if first > cp.tree_size:
                raise Found(None, "checkpoint", problem)
            raise Found(first, "checkpoint", f"{covered} not covered by a valid signature: {problem}")
    elif frontier.root().hex() != cp.root_hash:
        span = f"entry {first} does" if first == cp.tree_size else f"entries {first}..{cp.tree_size} do"
        problem = f"{span} not match the signed checkpoint at size {cp.tree_size} in the {source}"
    else:
        return cp.tree_size
    if suspect is not None:  # the stored hashes point at the exact entry
        raise Found(suspect[0], "modified", f"entry {suspect[0]}: {suspect[1]}; {problem}")
    where = f"at entry {first}" if first == cp.tree_size else f"at or after entry {first}"
    raise Found(first, "rewritten", f"{problem}: content and hashes were rewritten together {where}")
