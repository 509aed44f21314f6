"""Benchmark: dependency matching time for 1,000 pinned requirements against the full PyPA snapshot.

What a user would pick instead, pip-audit, queries the OSV/PyPI web APIs for every run and cannot run
offline (and this machine has no network), so it cannot be timed here on the same input; this script
times secplan's offline paths side by side on the same requirements in one run instead:
  * ``db import``: building the SQLite index from the snapshot (once per database update);
  * a scan against the index (what users run every time), as a fresh process;
  * a scan that reads the ``.jsonl.gz`` snapshot directly (no index), as a fresh process;
and prints the ratio of the two scans. Versions are drawn from the advisories' own version lists
(so many match) and from packages without advisories.

    .venv/bin/python bench/bench_osv.py --requirements 1000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(os.environ.get("SECPLAN_SHARED_DIR") or REPO.parent / "shared") / \
    "data/osv/pypa-advisories-2024-10-10.jsonl.gz"
CLEAN = ["numpy", "pandas", "scipy", "matplotlib", "seaborn", "tqdm", "rich", "typer", "click", "attrs",
         "pydantic", "fastapi", "uvicorn", "httpx", "boto3", "pyarrow", "polars", "xgboost", "lightgbm", "optuna"]


def requirements(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pairs: set[tuple[str, str]] = set()
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8") as handle:
        for line in handle:
            for affected in json.loads(line).get("affected", []):
                for version in affected.get("versions", [])[-6:]:
                    pairs.add((affected["package"]["name"], version))
    vulnerable = rng.sample(sorted(pairs), k=min(len(pairs), count * 7 // 10))
    lines = [f"{name}=={version}" for name, version in vulnerable]
    while len(lines) < count:
        lines.append(f"{rng.choice(CLEAN)}-{len(lines)}=={rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}")
    return lines


def scan(project: Path, db: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "secplan", "platform", "scan", str(project), "--scanners", "vuln",
                           "--osv-db", str(db), "-f", "json", "--no-record"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"scan failed: {proc.stderr}")
    return elapsed, json.loads(proc.stdout)


def match_in_process(project: Path, index: Path) -> float:
    """Reading the manifest and matching it against the index, without process start or output."""
    from secplan.platform.manifests import read_manifest
    from secplan.platform.osv.index import SqliteIndex
    from secplan.platform.osv.match import match

    start = time.perf_counter()
    match(read_manifest(project / "requirements.txt", project), SqliteIndex(index))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requirements", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if not SNAPSHOT.exists():
        raise SystemExit(f"snapshot not found: {SNAPSHOT} (set SECPLAN_SHARED_DIR)")
    with tempfile.TemporaryDirectory(prefix="secplan-bench-osv-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        lines = requirements(args.requirements, args.seed)
        (project / "requirements.txt").write_text("\n".join(lines) + "\n")
        index = Path(tmp) / "osv.db"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "secplan", "db", "import", str(SNAPSHOT), "--db", str(index)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"db import failed: {proc.stderr}")
        build = time.perf_counter() - start
        t_match = match_in_process(project, index)
        t_index, doc = scan(project, index)
        t_raw, doc_raw = scan(project, SNAPSHOT)
        if doc["findings"] != doc_raw["findings"]:
            raise SystemExit("index and direct reads disagree")
        vulns = [f for f in doc["findings"] if f["rule"] == "vulnerable-dependency"]
        print(f"{len(lines)} pinned requirements, {len({f['package'] + f['version'] for f in vulns})} vulnerable "
              f"package versions, {len(vulns)} findings (aliases merged)")
        print(f"{'step':40} {'seconds':>8}")
        print(f"{'db import (build index, once)':40} {build:>8.2f}")
        print(f"{'matching only (in process, index)':40} {t_match:>8.2f}")
        print(f"{'scan with index (fresh process)':40} {t_index:>8.2f}")
        print(f"{'scan reading .jsonl.gz directly':40} {t_raw:>8.2f}")
        print(f"\nratio (direct read / index): {t_raw / t_index:.2f}x; "
              f"matching rate with the index: {len(lines) / t_index:,.0f} requirements/s (process start included)")


if __name__ == "__main__":
    main()
