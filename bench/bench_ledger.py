"""Benchmark: the audit ledger against what a user would pick instead, an ordinary log table.

Same rows, same database, one run:
  * single appends (one transaction each): ``secplan.ledger.record`` vs a plain INSERT;
  * batched appends (``--batch`` rows per transaction) up to ``--entries`` rows:
    ``record_many`` vs a plain executemany INSERT;
  * checking all the rows of both runs: ``secplan.ledger.verify`` (every hash, the chain, the tree, every signed checkpoint)
    vs simply reading every row of the plain table back (the least a check of it could cost).
The plain table gets no chain, no tree and no signature: the ratio is the price of tamper evidence.
It also times one inclusion proof at the end (a plain table has nothing to compare it with).

    .venv/bin/python bench/bench_ledger.py --entries 1000000 --single 2000
    .venv/bin/python bench/bench_ledger.py --url postgresql+psycopg://postgres@127.0.0.1:55432/bench
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)

from secplan.ledger import Action, inclusion_proof, record, record_many, verify
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
    return Action(
        ACTIONS[i % 5], f"dataset:{i % 997}", {"rows": i, "purpose": "training"}, actor=f"user{i % 7}"
    )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--entries", type=int, default=1_000_000, help="rows appended in batches, then verified"
    )
    parser.add_argument("--single", type=int, default=2000, help="rows appended one transaction each")
    parser.add_argument("--batch", type=int, default=1000, help="rows per transaction in the batched run")
    parser.add_argument(
        "--url", help="an EMPTY database to use (default: a SQLite file in a temporary folder)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="secplan-bench-") as tmp:
        home = Path(tmp)
        url = args.url or f"sqlite:///{home / 'bench.db'}"
        store = Store(url, home)
        PLAIN.metadata.create_all(store.engine)
        print(
            f"database: {store.dialect}; single appends: {args.single}; batched: {args.entries} "
            f"in batches of {args.batch}"
        )

        def plain_single() -> None:
            for i in range(args.single):
                with store.session() as s:
                    s.execute(insert(PLAIN), plain_row(action(i)))

        def ledger_single() -> None:
            for i in range(args.single):
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
        t_plain, t_ledger = timed(plain_single), timed(ledger_single)
        results.append(("single appends/s", args.single / t_plain, args.single / t_ledger))
        t_plain, t_ledger = timed(plain_batched), timed(ledger_batched)
        results.append(
            (f"batched appends/s (x{args.batch})", args.entries / t_plain, args.entries / t_ledger)
        )

        def plain_scan() -> None:
            with store.engine.connect() as conn:
                for _ in conn.execute(select(PLAIN)).yield_per(10_000):
                    pass

        report = None

        def ledger_verify() -> None:
            nonlocal report
            report = verify(store)

        t_plain, t_ledger = timed(plain_scan), timed(ledger_verify)
        total = args.single + args.entries
        assert report is not None and report.ok and report.entries == total, report
        results.append((f"check all {total} rows (s)", t_plain, t_ledger))

        middle = total // 2
        t_proof = timed(lambda: inclusion_proof(store, middle))
        print(f"{'measure':34} {'plain table':>14} {'secplan ledger':>16} {'ratio':>8}")
        for name, plain, ledger in results:
            ratio = plain / ledger if "/s" in name else ledger / plain
            digits = 1 if "/s" in name else 2
            print(f"{name:34} {plain:14,.{digits}f} {ledger:16,.{digits}f} {ratio:7.1f}x")
        print(f"inclusion proof of entry {middle} of {total}: {t_proof:.1f} s (no counterpart in a plain table)")
        print("ratio: how many times slower the ledger is (plain/ledger for rates, ledger/plain for times)")


if __name__ == "__main__":
    main()
