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
    more_benign, more_malicious = build_categories(WORK / "categories")
    return benign + more_benign, malicious + more_malicious


def build_categories(root: Path) -> tuple[list[Path], list[Path]]:
    """The categories of issue 16 as files: framing tricks, a payload after a long benign prefix,
    callables that run code, TensorFlow/TFLite/TorchScript payloads (malicious); the ML ecosystem's
    benign classes, native model files and a plain SavedModel (benign). Built from the test helpers."""
    import struct

    import lightgbm
    import numpy as np
    import torch
    from sklearn.ensemble import HistGradientBoostingClassifier
    from tests.model_scan import ecosystem
    from tests.model_scan import tensorflow as tf
    from tests.model_scan.corpus import call_system, glob0, su, torch_zip

    if root.exists():
        subprocess.run(["rm", "-rf", str(root)], check=True)
    (root / "good").mkdir(parents=True)
    (root / "bad").mkdir()
    good: list[Path] = []
    bad: list[Path] = []

    def put(into: list[Path], name: str, data: bytes) -> None:
        path = root / ("good" if into is good else "bad") / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        into.append(path)

    body = b"}\x94(" + su("w") + b"K\x01u."
    hidden = call_system("id", proto=4)
    put(bad, "frame_hides_payload.pt", torch_zip(b"\x80\x04\x95" + struct.pack("<Q", len(body) + len(hidden))
                                                 + body + hidden))
    put(bad, "long_prefix.pkl", b"\x80\x02" + b"N0" * 2_000_000 + call_system("id")[2:])
    for dotted in ("pydoc.pipepager", "_xxsubinterpreters.run_string", "platform._syscmd_ver",
                   "compileall.compile_dir", "_frozen_importlib_external.SourceFileLoader", "codeop.compile_command",
                   "torch.fx.graph_module._forward_from_src", "torch.utils.cpp_extension.load_inline",
                   "uuid._get_command_stdout", "numpy.core.multiarray.fromfile"):
        module, _, name = dotted.rpartition(".")
        put(bad, f"call_{dotted}.pkl", b"\x80\x02" + glob0(module, name) + su("x") + b"\x85R.")
    put(bad, "chain_to_pickle.pkl", b"\x80\x04" + su("pandas") + su("DataFrame.to_pickle") + b"\x93" + su("x")
        + b"\x85R.")
    put(bad, "readfile/saved_model.pb", tf.saved_model([tf.node("evil", "ReadFile", "x")]))
    put(bad, "pyfunc/saved_model.pb", tf.saved_model(functions=[tf.function("f", tf.node("cb", "EagerPyFunc"))]))
    put(bad, "lambda/keras_metadata.pb", tf.keras_metadata([tf.DENSE, tf.LAMBDA]))
    put(bad, "flex_write.tflite", tf.tflite(["FlexWriteFile"]))
    scripted = root / "good" / "scripted.pt"
    torch.jit.save(torch.jit.script(torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.ReLU())), str(scripted))
    good.append(scripted)
    put(bad, "torchscript_system.pt", _torchscript_payload(scripted))

    for name in ("training_args", "seq2seq_args", "peft_config", "accelerate_state", "lightning_checkpoint"):
        put(good, f"{name}.bin", getattr(ecosystem, name)())
    put(good, "catboost.pkl", ecosystem.catboost_pickle(tf.catboost_cbm()))
    put(good, "model.cbm", tf.catboost_cbm())
    rng = np.random.RandomState(0)
    x = np.c_[rng.randint(0, 4, 400), rng.rand(400, 2)]
    y = (x[:, 1] > 0.5).astype(int)
    put(good, "hgb.pkl", pickle.dumps(HistGradientBoostingClassifier(
        max_iter=5, categorical_features=[0], early_stopping=True, scoring="balanced_accuracy").fit(x, y)))
    model = lightgbm.LGBMClassifier(n_estimators=5, verbose=-1).fit(x, y)
    put(good, "lgbm.pkl", pickle.dumps(model))
    put(good, "lgbm.txt", model.booster_.model_to_string().encode())
    put(good, "sparse.pt", _torch_bytes({"coo": torch.rand(3, 3).to_sparse(), "v": torch.__version__}))
    put(good, "export/saved_model.pb", tf.saved_model(keras_objects=[tf.DENSE]))
    put(good, "export/keras_metadata.pb", tf.keras_metadata([tf.DENSE]))
    put(good, "export/fingerprint.pb", tf.fingerprint())
    put(good, "model.tflite", tf.tflite())
    return good, bad


def _torch_bytes(obj: object) -> bytes:
    import io

    import torch

    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def _torchscript_payload(scripted: Path) -> bytes:
    """The scripted archive with ``os.system`` added to the code of its first forward."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(scripted) as src, zipfile.ZipFile(out, "w") as dst:
        done = False
        for info in src.infolist():
            data = src.read(info)
            if not done and "/code/" in info.filename and info.filename.endswith(".py") and b"def forward" in data:
                text = data.decode()
                at = text.index("\n", text.index(") -> ", text.index("def forward"))) + 1
                data = (text[:at] + '    _9 = os.system("id")\n' + text[at:]).encode()
                done = True
            dst.writestr(info, data)
    return out.getvalue()


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
               "missed_files": sorted(p.name for p, v in zip(malicious, bad, strict=True) if v != "flagged"),
               "false_positive_files": sorted(p.name for p, v in zip(benign, good, strict=True) if v == "flagged")}
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
