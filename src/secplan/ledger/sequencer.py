"""Group commit: appends from many threads of one process share one transaction and one checkpoint.

A server records every request; one transaction and one signature per request would cap it at the
database's commit rate. Instead each caller queues its prepared entries and waits. Whichever caller
finds no batch being written becomes the writer: it takes everything queued so far (up to
``MAX_BATCH`` entries), writes it in one transaction under one signed checkpoint, and wakes the
callers it wrote for; the oldest caller still waiting takes the next turn. Nobody returns before their entries are committed, and a failed transaction
fails every caller in it (none of their entries was written). There is no background thread, so
there is nothing to start or stop, and a lone caller (the CLI) simply writes a batch of one.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")

MAX_BATCH = 5000
"""Entries per transaction at most: bounds the memory and the lock time of one batch."""


class _Request(Generic[Item]):
    __slots__ = ("done", "error", "items", "result", "wake")

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = items
        self.done = False
        self.result: list[int] = []
        self.error: BaseException | None = None
        self.wake = threading.Event()
        """Set once: when the request is written (``done``), or when it is its turn to write a batch."""


class Sequencer(Generic[Item]):
    """Collects appends from concurrent callers and hands them to ``write`` in batches.

    ``write(items)`` must write all ``items`` durably (one transaction) and return their sequence
    numbers in order, or raise. The writer wakes exactly the callers it wrote for, then hands the
    turn to the oldest waiting caller: no thundering herd of 32 threads after every batch.
    """

    def __init__(self, write: Callable[[list[Item]], list[int]]) -> None:
        self._write = write
        self._lock = threading.Lock()
        self._queue: list[_Request[Item]] = []
        self._busy = False

    def submit(self, items: Sequence[Item]) -> list[int]:
        """Append ``items`` (consecutive sequence numbers) and return their numbers once committed."""
        request: _Request[Item] = _Request(items)
        with self._lock:
            self._queue.append(request)
            lead = not self._busy
            self._busy = True
        if not lead:
            try:
                request.wake.wait()
            except BaseException:  # interrupted while waiting: the turn must not stop with this caller
                self._abandon(request)
                raise
            if request.done:
                return _outcome(request)
        # This caller's turn: its request is the oldest queued, so it is in the batch it writes.
        try:
            with self._lock:
                batch = self._take()
            self._run(batch)
        finally:
            with self._lock:
                if self._queue:
                    self._queue[0].wake.set()  # the turn passes on; the sequencer stays busy
                else:
                    self._busy = False
        return _outcome(request)

    def _abandon(self, request: _Request[Item]) -> None:
        """Drop a request whose caller stopped waiting; pass the turn on if it had just been given it."""
        with self._lock:
            if request not in self._queue:
                return  # already in a batch being written: it is written, nobody waits for it
            self._queue.remove(request)
            if request.wake.is_set():  # its turn: hand it to the next caller, or end the busy spell
                if self._queue:
                    self._queue[0].wake.set()
                else:
                    self._busy = False

    def _take(self) -> list[_Request[Item]]:
        """The queued requests to write now, oldest first, up to ``MAX_BATCH`` entries (at least one)."""
        count, taken = 0, 0
        for taken, request in enumerate(self._queue, start=1):  # noqa: B007 (taken is used after the loop)
            count += len(request.items)
            if count >= MAX_BATCH:
                break
        batch, self._queue = self._queue[:taken], self._queue[taken:]
        return batch

    def _run(self, batch: list[_Request[Item]]) -> None:
        items = [item for request in batch for item in request.items]
        try:
            seqs = self._write(items)
        except BaseException as exc:  # every caller in the batch learns that nothing was written
            for request in batch:
                request.error = exc
        else:
            start = 0
            for request in batch:
                request.result = seqs[start : start + len(request.items)]
                start += len(request.items)
        for request in batch:
            request.done = True
            request.wake.set()


def _outcome(request: _Request) -> list[int]:
    if request.error is not None:
        raise request.error
    return request.result


_SEQUENCERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def sequencer_for(owner: object, make: Callable[[], Sequencer]) -> Sequencer:
    """The one sequencer of ``owner`` (a store), created on first use; it goes away with the owner."""
    with _REGISTRY_LOCK:
        found = _SEQUENCERS.get(owner)
        if found is None:
            found = _SEQUENCERS[owner] = make()
        return found
