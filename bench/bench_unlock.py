"""Benchmark: what `secplan keys unlock` saves per command (the keystore's Argon2id derivation).

    .venv/bin/python bench/bench_unlock.py [--rounds 7]

In one run, on one fresh keystore with the production Argon2id cost (64 MiB, 3 passes, 4 lanes):
- getting the keystore's sealing key in process: derived from the passphrase, read from the kernel
  keyring, read from the wrapped file under a private runtime folder (median of ``--rounds``);
- wall time of a whole ``secplan encrypt`` of a small file in a fresh process, with the passphrase
  and unlocked (median of ``--rounds``).
Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASS = "benchmark passphrase"


def _median_ms(func, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _command_ms(root: Path, env: dict[str, str], rounds: int) -> float:
    times = []
    for n in range(rounds):
        out = root / f"out{n}.enc"
        out.unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "secplan", "encrypt", "f.txt", "-o", out.name], cwd=root,
                       env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    from secplan.crypto.keys import keyring
    from secplan.crypto.keys.keystore import Keystore
    from secplan.crypto.keys.local import LocalProvider
    from secplan.crypto.keys.manager import KeyManager

    with tempfile.TemporaryDirectory() as tmp:
        root, runtime = Path(tmp) / "project", Path(tmp) / "run"
        root.mkdir()
        runtime.mkdir(mode=0o700)
        (root / "f.txt").write_text("hello\n")
        base = {**os.environ, "SECPLAN_PASSPHRASE": PASS, "XDG_RUNTIME_DIR": str(runtime)}
        os.environ.update(base)
        store = Keystore(root / ".secplan" / "keys" / "keystore.json")
        KeyManager(store).create("k")
        rows: list[tuple[str, float, float | None]] = []

        def key_once() -> None:
            LocalProvider(store)._key()

        os.environ["SECPLAN_UNLOCK_CACHE"] = "off"
        plain = _median_ms(key_once, args.rounds)
        command = _command_ms(root, {**base, "SECPLAN_UNLOCK_CACHE": "off"}, args.rounds)
        rows.append(("passphrase (Argon2id)", plain, command))
        places = ["file"] + (["keyring"] if keyring.available() else [])
        for place in places:
            os.environ["SECPLAN_UNLOCK_CACHE"] = place
            LocalProvider(store).unlock(600)
            os.environ.pop("SECPLAN_PASSPHRASE")
            cached = _median_ms(key_once, args.rounds)
            env = {k: v for k, v in base.items() if k != "SECPLAN_PASSPHRASE"}
            command = _command_ms(root, {**env, "SECPLAN_UNLOCK_CACHE": place}, args.rounds)
            LocalProvider(store).lock()
            os.environ["SECPLAN_PASSPHRASE"] = PASS
            rows.append((f"unlocked ({place})", cached, command))
    print(f"{'keystore key from':<24} {'in process':>12} {'secplan encrypt':>16}")
    for label, key_ms, command_ms in rows:
        print(f"{label:<24} {key_ms:>9.2f} ms {command_ms:>13.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
