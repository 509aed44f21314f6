"""Anonymisation throughput: secplan vs anonypy (Mondrian k-anonymity), and k/l measurement vs pycanon.

Why these: ARX (the reference tool) is Java and not on PyPI; anonypy is the pandas-based k-anonymity
package a Python user installs; pycanon is the package that measures k and l of a released table.

    .venv/bin/python bench/bench_anonymize.py --rows 100000

secplan runs the whole policy (redact a name, pseudonymise an e-mail with HMAC-SHA256, mask a card,
generalise age/zip to reach k=5 with l=2 over diagnosis, suppress the rest) and its privacy report;
anonypy only partitions the quasi-identifiers and aggregates them. Both start from the same Parquet
file, timed after imports.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _dq_common import people, run_competitor

ANONYPY = """
import json, sys, time
import pandas as pd
from anonypy import anonypy
df = pd.read_parquet(sys.argv[1])
df["sex"] = df["sex"].astype("category")
df["diagnosis"] = df["diagnosis"].astype("category")
start = time.perf_counter()
rows = anonypy.Preserver(df, ["age", "zip", "sex"], "diagnosis").anonymize_l_diversity(k=5, l=2)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "groups": len(rows)}))
"""

PYCANON = """
import json, sys, time
import pandas as pd
from pycanon import anonymity
df = pd.read_parquet(sys.argv[1])
start = time.perf_counter()
k = anonymity.k_anonymity(df, ["age", "zip", "sex"])
l = anonymity.l_diversity(df, ["age", "zip", "sex"], ["diagnosis"])
print(json.dumps({"seconds": time.perf_counter() - start, "k": int(k), "l": int(l)}))
"""

POLICY = {
    "columns": {
        "name": {"op": "redact"},
        "email": {"op": "pseudonymize"},
        "card": {"op": "mask", "keep_last": 4},
        "age": {"op": "generalize", "kind": "age", "width": 5},
        "zip": {"op": "generalize", "kind": "postcode", "keep": 4},
    },
    "quasi_identifiers": ["age", "zip", "sex"],
    "sensitive": ["diagnosis"],
    "k": 5,
    "l": 2,
    "max_suppression": 0.02,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows for the side-by-side run")
    parser.add_argument("--large", type=int, default=1_000_000, help="rows for a secplan-only run (0: skip)")
    args = parser.parse_args()

    from secplan.data.anonymize import anonymize_frame
    from secplan.data.anonymize.kanon import at_risk, class_sizes, diversity
    from secplan.data.anonymize.policy import AnonymisationPolicy
    from secplan.data.anonymize.tableio import read_table

    policy = AnonymisationPolicy.model_validate(POLICY)
    warm = people(200)
    warm["zip"] = warm["zip"].astype(str)
    anonymize_frame(warm, policy.model_copy(update={"k": 1, "l": 1}), key=b"k" * 32)  # imports, not timed
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "people.parquet"
        people(args.rows).to_parquet(source)
        start = time.perf_counter()
        df = read_table(source)
        df["zip"] = df["zip"].astype(str)
        outcome = anonymize_frame(df, policy, key=b"k" * 32)
        ours = time.perf_counter() - start
        theirs = run_competitor(ANONYPY, str(source))

        released = Path(tmp) / "released.parquet"
        outcome.table.to_parquet(released)
        qi = ["age", "zip", "sex"]
        start = time.perf_counter()
        table = read_table(released)
        k = int(class_sizes(table[qi]).min())
        l_div = int(diversity(table[qi], table["diagnosis"]).min())
        at_risk(table[qi], table[["diagnosis"]], 5, 2)
        measure = time.perf_counter() - start
        canon = run_competitor(PYCANON, str(released))

    privacy = outcome.report["privacy"]
    print(f"rows: {args.rows}")
    print(f"secplan anonymize (full policy, k=5, l=2): {ours:.2f} s  {args.rows / ours:,.0f} rows/s  "
          f"k={privacy['k_achieved']} l={privacy['l_achieved']} suppressed={outcome.report['utility']['rows_suppressed']}")
    print(f"anonypy Mondrian (k=5, l=2, QIs only):     {theirs['seconds']:.2f} s  "
          f"{args.rows / theirs['seconds']:,.0f} rows/s  groups={theirs['groups']}")
    print(f"ratio (anonypy time / secplan time): {theirs['seconds'] / ours:.1f}x")
    print(f"secplan k/l measurement: {measure:.3f} s (k={k}, l={l_div});  pycanon: {canon['seconds']:.3f} s "
          f"(k={canon['k']}, l={canon['l']});  ratio {canon['seconds'] / measure:.1f}x")
    if args.large:
        big = people(args.large, seed=1)
        big["zip"] = big["zip"].astype(str)
        start = time.perf_counter()
        result = anonymize_frame(big, policy, key=b"k" * 32)
        took = time.perf_counter() - start
        print(f"secplan alone, {args.large:,} rows: {took:.1f} s  {args.large / took:,.0f} rows/s  "
              f"k={result.report['privacy']['k_achieved']}")


if __name__ == "__main__":
    main()
