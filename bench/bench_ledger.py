"""Benchmark: the audit ledger against what a user would pick instead, an ordinary log table.

Same rows, same database, one run:
  * single appends (one transaction each): ``secplan.ledger.record`` vs a plain INSERT;
  * batched appends (``--batch`` rows per transaction) up to ``--entries`` rows:
    ``record_many`` vs a plain executemany INSERT;
  * appends from ``--threads`` writer threads of one process, each appending one row per call
    (``record``, group-committed) vs one INSERT transaction per row on a thread-local connection;
  * checking all the rows: ``secplan.ledger.verify`` (every hash, the chain, the tree, every signed
    checkpoint) vs simply reading every row of the plain table back (the least a check could cost);
  * inclusion and consistency proofs at the final size (median of ``--proofs`` random ones; a plain
    table has nothing to compare them with).
The plain table gets no chain, no tree and no signature: the ratio is the price of tamper evidence.

    .venv/bin/python bench/bench_ledger.py --entries 1000000 --single 2000
    .venv/bin/python bench/bench_ledger.py --url postgresql+psycopg://postgres@127.0.0.1:55432/bench
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, select

from secplan.ledger import Action, consistency_proof, inclusion_proof, record, record_many, verify
from secplan.ledger.entry import format_timestamp
from secplan.store.base import utcnow
from secplan.store.db import Store

PLAIN = Table(
    "bench_plain_log",
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("object", Text, nullable=False),
    Column("details", Text, nullable=False),
    Column("outcome", String(16), nullable=False),
)
ACTIONS = ("data.read", "data.write", "model.promote", "keys.rotate", "access.grant")


def action(i: int) -> Action:
    return Action(ACTIONS[i % 5], f"dataset:{i % 997}", {"rows": i, "purpose": "training"}, actor=f"user{i % 7}")


def plain_row(item: Action) -> dict:
    return {
        "ts": format_timestamp(utcnow()),
        "actor": item.actor,
        "action": item.action,
        "object": item.obj,
        "details": json.dumps(item.details),
        "outcome": "success",
    }


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def threaded(threads: int, each: int, work: Callable[[int], None]) -> float:
    """Seconds for ``threads`` threads to run ``work(i)`` ``each`` times apiece, started together."""
    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def run(t: int) -> None:
        barrier.wait()
        try:
            for k in range(each):
                work(t * each + k)
        except BaseException as exc:  # reported below: a failed writer invalidates the measure
            errors.append(exc)

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in pool:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - start


def median_ms(fn: Callable[[int], object], picks: list[int]) -> float:
    times = []
    for pick in picks:
        start = time.perf_counter()
        fn(pick)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="rows appended in batches, then verified")
    parser.add_argument("--single", type=int, default=2000, help="rows appended one transaction each")
    parser.add_argument("--batch", type=int, default=1000, help="rows per transaction in the batched run")
    parser.add_argument("--threads", type=int, default=32, help="concurrent writer threads")
    parser.add_argument("--each", type=int, default=500, help="rows each writer thread appends")
    parser.add_argument("--proofs", type=int, default=50, help="proofs timed (median reported)")
    parser.add_argument("--url", help="an EMPTY database to use (default: a SQLite file in a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="secplan-bench-") as tmp:
        home = Path(tmp) / ".secplan"
        home.mkdir()
        url = args.url or f"sqlite:///{home / 'bench.db'}"
        store = Store(url, home)
        PLAIN.metadata.create_all(store.engine)
        print(f"database: {store.dialect}; single: {args.single}; batched: {args.entries} in batches of "
              f"{args.batch}; {args.threads} threads x {args.each}")

        def plain_one(i: int) -> None:
            with store.session() as s:
                s.execute(insert(PLAIN), plain_row(action(i)))

        def ledger_one(i: int) -> None:
            a = action(i)
            record(store, action=a.action, obj=a.obj, details=a.details, actor=a.actor)

        def plain_batched() -> None:
            for start in range(0, args.entries, args.batch):
                rows = [plain_row(action(i)) for i in range(start, min(start + args.batch, args.entries))]
                with store.session() as s:
                    s.execute(insert(PLAIN), rows)

        def ledger_batched() -> None:
            for start in range(0, args.entries, args.batch):
                record_many(store, [action(i) for i in range(start, min(start + args.batch, args.entries))])

        results = []
        t_plain = timed(lambda: [plain_one(i) for i in range(args.single)])
        t_ledger = timed(lambda: [ledger_one(i) for i in range(args.single)])
        results.append((f"single appends/s ({args.single:,})", args.single / t_plain, args.single / t_ledger))
        t_plain, t_ledger = timed(plain_batched), timed(ledger_batched)
        results.append((f"batched appends/s ({args.entries:,}, x{args.batch})", args.entries / t_plain,
                        args.entries / t_ledger))
        rows = args.threads * args.each
        t_plain = threaded(args.threads, args.each, plain_one)
        t_ledger = threaded(args.threads, args.each, ledger_one)
        results.append((f"{args.threads} writer threads, appends/s ({rows:,})", rows / t_plain, rows / t_ledger))

        def plain_scan() -> None:
            with store.engine.connect() as conn:
                for _ in conn.execute(select(PLAIN)).yield_per(10_000):
                    pass

        report = None

        def ledger_verify() -> None:
            nonlocal report
            report = verify(store)

        t_plain, t_ledger = timed(plain_scan), timed(ledger_verify)
        total = args.single + args.entries + rows
        assert report is not None and report.ok and report.entries == total, report
        results.append((f"check all {total:,} rows (s)", t_plain, t_ledger))

        rng = random.Random(1)
        inclusion_proof(store, 1)  # tiles and key loaded once, as in a warm server
        t_inclusion = median_ms(lambda s: inclusion_proof(store, s), [rng.randint(1, total) for _ in range(args.proofs)])
        t_consistency = median_ms(lambda s: consistency_proof(store, s),
                                  [rng.randint(1, total - 1) for _ in range(args.proofs)])

        print(f"{'measure':44} {'plain table':>14} {'secplan ledger':>16} {'ratio':>8}")
        for name, plain, ledger in results:
            ratio = plain / ledger if "/s" in name else ledger / plain
            digits = 0 if "/s" in name else 2
            print(f"{name:44} {plain:14,.{digits}f} {ledger:16,.{digits}f} {ratio:7.2f}x")
        print(f"inclusion proof at {total:,} entries: {t_inclusion:.2f} ms (median of {args.proofs})")
        print(f"consistency proof to {total:,} entries: {t_consistency:.2f} ms (median of {args.proofs})")
        print("ratio: how many times slower the ledger is (plain/ledger for rates, ledger/plain for times)")
        store.dispose()


if __name__ == "__main__":
    main()
