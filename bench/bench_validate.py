"""Validation profiling time: secplan's profile vs ydata-profiling (minimal mode) on the same table.

Why ydata-profiling: it is what Python users reach for to profile a DataFrame before training
(Great Expectations builds on similar profiling but needs a project context and a data source).
Minimal mode is its fastest setting (no correlations, no interactions). secplan's profile covers
schema, types, null rates, ranges, categories, uniqueness, 1001-point quantiles and exact duplicates;
the run then validates a second sample against it (all checks except label noise) for reference.

    .venv/bin/python bench/bench_validate.py --rows 200000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _dq_common import people, run_competitor

YDATA = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from ydata_profiling import ProfileReport
df = pd.read_parquet(sys.argv[1])
start = time.perf_counter()
report = ProfileReport(df, minimal=True, progress_bar=False)
description = report.get_description()
print(json.dumps({"seconds": time.perf_counter() - start, "columns": len(description.variables)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()

    from secplan.data.anonymize.tableio import read_table
    from secplan.data.validate import build_profile, validate_frame

    validate_frame(people(300), baseline=build_profile(people(300), "warm"), label_noise=False)  # imports
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "people.parquet"
        people(args.rows).to_parquet(source)
        start = time.perf_counter()
        df = read_table(source)
        profile = build_profile(df, "people.parquet")
        ours = time.perf_counter() - start
        theirs = run_competitor(YDATA, str(source))
    fresh = people(args.rows, seed=1)
    start = time.perf_counter()
    findings = validate_frame(fresh, baseline=profile, label_noise=False)
    checks = time.perf_counter() - start

    print(f"rows: {args.rows}, columns: {len(profile.columns)}")
    print(f"secplan profile:                 {ours:.2f} s  {args.rows / ours:,.0f} rows/s")
    print(f"ydata-profiling (minimal=True):  {theirs['seconds']:.2f} s  {args.rows / theirs['seconds']:,.0f} rows/s")
    print(f"ratio (ydata time / secplan time): {theirs['seconds'] / ours:.1f}x")
    print(f"secplan validation of a fresh sample against the profile: {checks:.2f} s, {len(findings)} findings")


if __name__ == "__main__":
    main()
