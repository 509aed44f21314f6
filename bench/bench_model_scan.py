"""Benchmark: ``secplan model scan`` side by side with picklescan, modelscan and fickling.

Same inputs, one run: the test corpora (benign artifacts made by real libraries, the malicious
corpus of every attack class), a PyTorch-style zip, a pickled numpy array and a pickle of millions
of opcodes. Reports detections, false positives, wall time and peak memory (child RSS via wait4)
and the ratio of secplan's time to the fastest peer's.

Peers run from their own virtual environment so they do not pollute the project's:

    python3 -m venv .bench/venv && .bench/venv/bin/pip install picklescan modelscan fickling
    .venv/bin/python bench/bench_model_scan.py            # issue sizes: 1 GiB, 512 MiB, 5M opcodes
    .venv/bin/python bench/bench_model_scan.py --scale 0.1  # a quicker run

Inputs are generated under ``.bench/model_scan/`` (git-ignored). This is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".bench" / "model_scan"
PEER_PYTHON = ROOT / ".bench" / "venv" / "bin" / "python"

#: Each driver scans the files named on its command line in one process and prints
#: {path: "flagged" | "clean" | "error"}: the tool's own API, as its CLI would call it.
DRIVERS = {
    "secplan": (sys.executable, """
import json, sys
from pathlib import Path
from secplan.model.scan import scan_file
out = {}
for p in sys.argv[2:]:
    v = str(scan_file(Path(p)).verdict)
    out[p] = "flagged" if v in ("unsafe", "suspicious") else "error" if v in ("error", "unsupported") else "clean"
open(sys.argv[1], "w").write(json.dumps(out))
"""),
    "picklescan": (str(PEER_PYTHON), """
import json, sys
from picklescan.scanner import scan_file_path
out = {}
for p in sys.argv[2:]:
    try:
        r = scan_file_path(p)
        out[p] = "flagged" if (r.issues_count or r.infected_files) else "error" if r.scan_err else "clean"
    except Exception:
        out[p] = "error"
open(sys.argv[1], "w").write(json.dumps(out))
"""),
    "modelscan": (str(PEER_PYTHON), """
import json, sys, logging
logging.disable(logging.CRITICAL)
from modelscan.modelscan import ModelScan
out = {}
for p in sys.argv[2:]:
    try:
        r = ModelScan().scan(p)
        out[p] = "flagged" if r.get("issues") else "error" if r.get("errors") else "clean"
    except Exception:
        out[p] = "error"
open(sys.argv[1], "w").write(json.dumps(out))
"""),
    "fickling": (str(PEER_PYTHON), """
import json, sys
import fickling
from fickling.analysis import Severity
out = {}
for p in sys.argv[2:]:
    try:
        r = fickling.scan_file(p, graceful=True)
        out[p] = "flagged" if r.results and r.severity > Severity.LIKELY_SAFE else "error" if r.errors else "clean"
    except Exception:
        out[p] = "error"
open(sys.argv[1], "w").write(json.dumps(out))
"""),
}


def run_driver(tool: str, files: list[Path], timeout: float) -> tuple[dict[str, str], float, float]:
    """(verdicts, wall seconds, peak RSS in MiB) of one driver process over ``files``."""
    python, code = DRIVERS[tool]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    result_file = WORK / f"verdicts-{tool}.json"
    result_file.unlink(missing_ok=True)
    proc = subprocess.Popen([python, "-c", code, str(result_file), *map(str, files)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    deadline = start + timeout
    usage = None
    while True:
        pid, _, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            _, _, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.01)
    wall = time.perf_counter() - start
    try:
        verdicts = json.loads(result_file.read_text())
    except (OSError, ValueError):
        verdicts = {}
    return verdicts, wall, usage.ru_maxrss / 1024 if usage else float("nan")


def build_corpora() -> tuple[list[Path], list[Path]]:
    sys.path.insert(0, str(ROOT))
    from tests.model_scan.corpus import build_benign
    from tests.model_scan.malicious import MALICIOUS

    benign_dir, bad_dir = WORK / "benign", WORK / "malicious"
    for d in (benign_dir, bad_dir):
        if d.exists():
            subprocess.run(["rm", "-rf", str(d)], check=True)
        d.mkdir(parents=True)
    benign = list(build_benign(benign_dir).values())
    malicious = [build(bad_dir) for build, _, _ in MALICIOUS.values()]
    return benign, malicious


def build_large(scale: float) -> dict[str, Path]:
    import numpy as np
    import torch

    WORK.mkdir(parents=True, exist_ok=True)
    out = {}
    zip_path = WORK / f"torch_zip_{scale}.pt"
    if not zip_path.exists():
        n = int((1 << 30) * scale) // 4 // 8
        torch.save({f"layer{i}.weight": torch.ones(n) for i in range(8)}, zip_path)
    out["PyTorch zip (1 GiB x scale)"] = zip_path
    npy_path = WORK / f"numpy_{scale}.pkl"
    if not npy_path.exists():
        with npy_path.open("wb") as f:
            pickle.dump(np.ones(int((512 << 20) * scale) // 8), f, protocol=4)
    out["pickled numpy array (512 MiB x scale)"] = npy_path
    ops_path = WORK / f"opcodes_{scale}.pkl"
    if not ops_path.exists():
        ops_path.write_bytes(pickle.dumps([float(i) for i in range(int(5_000_000 * scale))], protocol=4))
    out["pickle of 5M opcodes x scale"] = ops_path
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's large-input sizes")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per tool run")
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not PEER_PYTHON.exists():
        sys.exit(f"missing {PEER_PYTHON}: python3 -m venv .bench/venv && "
                 ".bench/venv/bin/pip install picklescan modelscan fickling")
    if args.generate:
        benign, malicious = build_corpora()
        large = build_large(args.scale)
        print(json.dumps({"benign": list(map(str, benign)), "malicious": list(map(str, malicious)),
                          "large": {k: str(v) for k, v in large.items()}}))
        return
    # Inputs are built in a child process so that this one stays small: a child forked from a
    # large parent would count the parent's pages in its peak RSS.
    made = json.loads(subprocess.run([sys.executable, __file__, "--generate", "--scale", str(args.scale)],
                                     check=True, capture_output=True, text=True).stdout.splitlines()[-1])
    benign, malicious = list(map(Path, made["benign"])), list(map(Path, made["malicious"]))
    large = {k: Path(v) for k, v in made["large"].items()}
    tools = list(DRIVERS)
    results: dict = {"scale": args.scale, "corpus": {}, "large": {}}

    print(f"corpus: {len(malicious)} malicious, {len(benign)} benign artifacts")
    print(f"{'tool':<11} {'caught':>8} {'errors':>7} {'missed':>7} {'false+':>7} {'wall s':>8} {'peak MiB':>9}")
    for tool in tools:
        verdicts, wall, rss = run_driver(tool, malicious + benign, args.timeout)
        bad = [verdicts.get(str(p), "error") for p in malicious]
        good = [verdicts.get(str(p), "error") for p in benign]
        row = {"caught": bad.count("flagged"), "errors_on_malicious": bad.count("error"),
               "missed": bad.count("clean"), "false_positives": good.count("flagged"),
               "errors_on_benign": good.count("error"), "wall_s": round(wall, 2), "peak_mib": round(rss, 1),
               "missed_files": sorted(p.name for p, v in zip(malicious, bad, strict=True) if v != "flagged")}
        results["corpus"][tool] = row
        print(f"{tool:<11} {row['caught']:>8} {row['errors_on_malicious']:>7} {row['missed']:>7} "
              f"{row['false_positives']:>7} {wall:>8.2f} {rss:>9.1f}")

    for label, path in large.items():
        size = path.stat().st_size / (1 << 20)
        print(f"\n{label}: {path.name}, {size:.0f} MiB")
        rows = {}
        for tool in tools:
            verdicts, wall, rss = run_driver(tool, [path], args.timeout)
            rows[tool] = {"verdict": verdicts.get(str(path), "timeout/crash"), "wall_s": round(wall, 2),
                          "peak_mib": round(rss, 1)}
            print(f"  {tool:<11} {rows[tool]['verdict']:<14} {wall:>8.2f} s {rss:>9.1f} MiB")
        peers = [r["wall_s"] for t, r in rows.items() if t != "secplan" and r["verdict"] != "timeout/crash"]
        if peers:
            ratio = rows["secplan"]["wall_s"] / min(peers)
            rows["ratio_vs_fastest_peer"] = round(ratio, 2)
            print(f"  secplan time / fastest peer: {ratio:.2f}")
        results["large"][label] = rows
    (WORK / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nfull results: {WORK / 'results.json'}")


if __name__ == "__main__":
    main()
