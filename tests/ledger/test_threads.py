"""32 threads of one process appending at once: group-committed, all durable, one intact tree."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from secplan.ledger import Action, record, record_many, verify
from secplan.ledger.reading import bounds
from secplan.ledger.sequencer import Sequencer
from secplan.store.db import Store

THREADS = 32
EACH = 12


def _run(store: Store) -> dict[str, list[int]]:
    barrier = threading.Barrier(THREADS)
    got: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            barrier.wait()
            seqs = [record(store, action="data.read", obj=f"{name}:{i}", actor=name) for i in range(EACH)]
            seqs += record_many(store, [Action("data.write", f"{name}:b{i}", actor=name) for i in range(3)])
            got[name] = seqs
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"t{i}",)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert all(not t.is_alive() for t in threads)
    return got


def test_32_threads_append_durably_and_verify(store: Store) -> None:
    got = _run(store)
    total = THREADS * (EACH + 3)
    assert sorted(s for seqs in got.values() for s in seqs) == list(range(1, total + 1))
    for seqs in got.values():  # a record_many call keeps its entries together
        assert seqs[-3:] == list(range(seqs[-3], seqs[-3] + 3))
    # durable: a fresh engine (another connection pool) sees every entry each caller was told about
    fresh = Store(store.url, store.home)
    try:
        assert bounds(fresh) == (total, total)
        with fresh.engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT seq, object FROM ledger_entries")).all())
            checkpoints = conn.execute(text("SELECT count(*) FROM ledger_checkpoints")).scalar()
        for name, seqs in got.items():
            assert rows[seqs[0]] == f"{name}:0"
            assert rows[seqs[-1]] == f"{name}:b2"
        report = verify(fresh)
    finally:
        fresh.dispose()
    assert report.ok, report.message
    assert report.entries == total
    # group commit: fewer checkpoints (one per batch) than the calls made, and never more
    assert 1 <= checkpoints < THREADS * (EACH + 1)


def test_a_failed_batch_fails_every_caller_in_it_and_the_next_batch_goes_on() -> None:
    written: list[list[str]] = []
    gate = threading.Event()

    def write(items: list[str]) -> list[int]:
        if items == ["first"]:
            gate.wait(5)  # hold the writer so that the others queue up behind it into one batch
        if "boom" in items:
            raise RuntimeError("disk full")
        start = sum(len(b) for b in written) + 1
        written.append(list(items))
        return list(range(start, start + len(items)))

    seq = Sequencer(write)
    outcomes: dict[str, object] = {}

    def call(name: str) -> None:
        try:
            outcomes[name] = seq.submit([name])
        except RuntimeError as exc:
            outcomes[name] = str(exc)

    first = threading.Thread(target=call, args=("first",))
    first.start()
    while not seq._busy:  # the first caller is writing
        time.sleep(0.001)
    others = [threading.Thread(target=call, args=(n,)) for n in ("a", "boom", "b")]
    for t in others:
        t.start()
    while len(seq._queue) < 3:
        time.sleep(0.001)
    gate.set()
    for t in [first, *others]:
        t.join(5)
    assert outcomes == {"first": [1], "a": "disk full", "boom": "disk full", "b": "disk full"}
    assert seq.submit(["after"]) == [2]
    assert written == [["first"], ["after"]]


class _Interrupted(BaseException):
    """Stands in for KeyboardInterrupt arriving while a caller waits for its batch."""


def test_a_caller_interrupted_while_waiting_does_not_stop_the_others() -> None:
    gate, written = threading.Event(), []

    def write(items: list[str]) -> list[int]:
        if items == ["first"]:
            gate.wait(5)
        written.extend(items)
        return list(range(len(written) - len(items) + 1, len(written) + 1))

    seq = Sequencer(write)
    results: dict[str, object] = {}

    def call(name: str) -> None:
        try:
            results[name] = seq.submit([name])
        except _Interrupted:
            results[name] = "interrupted"

    first = threading.Thread(target=call, args=("first",))
    first.start()
    while not seq._busy:
        time.sleep(0.001)
    # the next in line is interrupted just as the turn reaches it: its wait raises once woken
    original = threading.Event.wait

    def interrupted_wait(self, timeout=None):
        original(self, timeout)
        if threading.current_thread().name == "gone":
            raise _Interrupted
        return True

    threading.Event.wait = interrupted_wait
    try:
        gone = threading.Thread(target=call, args=("gone",), name="gone")
        gone.start()
        while len(seq._queue) < 1:
            time.sleep(0.001)
        # "gone" waits; the writer finishes "first" and hands the turn to "gone", which is interrupted
        later = threading.Thread(target=call, args=("later",))
        gate.set()
        first.join(5)
        gone.join(5)
        later.start()
        later.join(5)
    finally:
        threading.Event.wait = original
    assert not later.is_alive() and results["later"] == [len(written)]
    assert results["gone"] == "interrupted" and "gone" not in written
    assert not seq._busy and seq._queue == []
