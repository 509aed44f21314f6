"""Benchmark: secplan's streaming encryption vs raw ``cryptography`` AES-256-GCM on the same data.

    .venv/bin/python bench/bench_crypto.py [--size-mib 2048] [--dir /tmp]

Prints, in one run on one input file:
- throughput of raw AESGCM over the file's bytes in memory (the ceiling), of a hand-written raw loop
  with the same file I/O (what a user would write instead), and of ``secplan`` encrypt and decrypt;
  the ratios secplan / raw;
- peak RSS of encrypt and decrypt in fresh processes, for the full file and a file 1/8 its size
  (constant memory means the two match);
- rotation (re-wrap) time for 1 MiB and 1 GiB files.
Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHUNK = 1 << 20
MIB = 1 << 20
PASS = "benchmark passphrase"


def make_input(path: Path, size: int) -> None:
    block = os.urandom(64 * MIB)
    with open(path, "wb") as out:
        left = size
        while left:
            n = min(left, len(block))
            out.write(block[:n])
            left -= n


def raw_memory(path: Path) -> float:
    """Raw AESGCM over every chunk of the file, already in memory (no I/O): the ceiling."""
    aead = AESGCM(AESGCM.generate_key(256))
    size = path.stat().st_size
    buf = bytearray(min(size, 256 * MIB))
    with open(path, "rb", buffering=0) as f:
        n = f.readinto(buf)
    view = memoryview(buf)[:n]
    nonce = os.urandom(12)
    start = time.perf_counter()
    done = 0
    while done < size:  # cycle over the in-memory part until the whole file's size is processed
        for off in range(0, n, CHUNK):
            aead.encrypt(nonce, view[off : off + CHUNK], b"")
            done += len(view[off : off + CHUNK])
            if done >= size:
                break
    return size / (time.perf_counter() - start)


def stream_memory(path: Path) -> float:
    """secplan's chunk loop (encrypt_stream) over the same in-memory bytes into a null sink: engine cost, no I/O."""
    import io

    from secplan.crypto.format import Header
    from secplan.crypto.stream import encrypt_stream

    class Null:
        def write(self, b: memoryview) -> int:
            return len(b)

    key = AESGCM.generate_key(256)
    size = path.stat().st_size
    with open(path, "rb") as f:
        buf = f.read(min(size, 256 * MIB))
    start = time.perf_counter()
    done = 0
    while done < size:
        header = Header(CHUNK, os.urandom(16), os.urandom(7)).with_commitment(key)
        done += encrypt_stream(io.BytesIO(buf[: size - done]), Null(), header, key)
    return size / (time.perf_counter() - start)


def raw_file(path: Path, out: Path) -> float:
    """What a user writes with cryptography alone: read 1 MiB, AESGCM.encrypt, write; same I/O as secplan."""
    aead = AESGCM(AESGCM.generate_key(256))
    prefix = os.urandom(8)
    start = time.perf_counter()
    with open(path, "rb") as src, open(out, "wb") as dst:
        counter = 0
        while chunk := src.read(CHUNK):
            dst.write(aead.encrypt(prefix + counter.to_bytes(4, "big"), chunk, b""))
            counter += 1
        dst.flush()
        os.fsync(dst.fileno())
    return path.stat().st_size / (time.perf_counter() - start)


CHILD = r"""
import json, sys, time
def hwm():  # this process's peak RSS; getrusage's ru_maxrss would include the parent's (kept across exec)
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
from pathlib import Path
from secplan.crypto.files import decrypt_file, encrypt_file
from secplan.crypto.keys.keystore import Keystore
from secplan.crypto.keys.manager import KeyManager
keys = KeyManager(Keystore(Path(sys.argv[2])))
keys.get("bench")
src, dst = Path(sys.argv[3]), Path(sys.argv[4])
keys.provider("local")._key()  # derive the passphrase key before timing (Argon2id, once per process)
start = time.perf_counter()
if sys.argv[1] == "encrypt":
    encrypt_file(src, dst, keys, "bench")
else:
    decrypt_file(src, dst, keys)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "maxrss_kib": hwm()}))
"""


def secplan_op(op: str, keystore: Path, src: Path, dst: Path) -> dict[str, float]:
    if dst.exists():
        dst.unlink()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, op, str(keystore), str(src), str(dst)], capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"secplan {op} failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout)


def baseline_rss(keystore: Path) -> int:
    """Peak RSS of the same child doing everything but the streaming (imports, Argon2id derivation)."""
    code = CHILD.split("start = time.perf_counter()")[0] + (
        "print(json.dumps({'maxrss_kib': hwm()}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, "none", str(keystore), "-", "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)["maxrss_kib"]


def rotation_times(keys, folder: Path, sizes: dict[str, int], rounds: int = 5) -> dict[str, float]:
    from secplan.crypto.files import encrypt_file, rewrap_file

    out = {}
    for label, size in sizes.items():
        src = folder / f"rot-{label}.bin"
        make_input(src, size)
        enc = folder / f"rot-{label}.enc"
        encrypt_file(src, enc, keys, "bench")
        src.unlink()
        times = []
        for _ in range(rounds):
            _, new = keys.rotate("bench")
            start = time.perf_counter()
            rewrap_file(enc, keys, new)
            times.append(time.perf_counter() - start)
        out[label] = statistics.median(times)
        enc.unlink()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--rotation-mib", type=int, default=1024, help="size of the large rotation file")
    parser.add_argument("--dir", type=Path, default=None, help="work folder (/dev/shm takes the disk out)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["SECPLAN_PASSPHRASE"] = PASS
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from secplan.crypto.keys.keystore import Keystore
    from secplan.crypto.keys.manager import KeyManager

    work = Path(tempfile.mkdtemp(prefix="secplan-bench-", dir=args.dir))
    try:
        keystore = work / "keystore.json"
        keys = KeyManager(Keystore(keystore))
        keys.create("bench")
        size = args.size_mib * MIB
        data = work / "data.bin"
        make_input(data, size)
        small = work / "small.bin"
        make_input(small, size // 8)

        # Interleaved rounds, best of each: the machine may be shared, and the best run is the least disturbed.
        ceilings, streams, raws, encs, decs = [], [], [], [], []
        same = True
        for _ in range(args.rounds):
            ceilings.append(raw_memory(data))
            streams.append(stream_memory(data))
            raws.append(raw_file(data, work / "raw.out"))
            (work / "raw.out").unlink()
            encs.append(secplan_op("encrypt", keystore, data, work / "data.enc"))
            decs.append(secplan_op("decrypt", keystore, work / "data.enc", work / "data.out"))
            same = same and subprocess.run(["cmp", "-s", str(data), str(work / "data.out")]).returncode == 0
            (work / "data.out").unlink()
        ceiling, stream, raw = max(ceilings), max(streams), max(raws)
        enc = min(encs, key=lambda r: r["seconds"])
        dec = min(decs, key=lambda r: r["seconds"])
        enc_small = secplan_op("encrypt", keystore, small, work / "small.enc")
        dec_small = secplan_op("decrypt", keystore, work / "small.enc", work / "small.out")
        idle = baseline_rss(keystore)
        rot = rotation_times(keys, work, {"1 MiB": MIB, f"{args.rotation_mib} MiB": args.rotation_mib * MIB})

        gb = 1e9
        rot_small, rot_large = rot.values()
        enc_bps, dec_bps = size / enc["seconds"], size / dec["seconds"]
        print(f"input: {args.size_mib} MiB in {work.parent}, chunk 1 MiB, AES-256-GCM (cryptography), "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, best of {args.rounds} rounds")
        print(f"raw AESGCM in memory (ceiling)      {ceiling / gb:6.2f} GB/s")
        print(f"secplan chunk loop in memory        {stream / gb:6.2f} GB/s  = {stream / ceiling:.0%} of ceiling")
        print(f"raw AESGCM loop with file I/O       {raw / gb:6.2f} GB/s")
        print(
            f"secplan encrypt                     {enc_bps / gb:6.2f} GB/s  "
            f"= {enc_bps / raw:.0%} of raw loop, {enc_bps / ceiling:.0%} of ceiling"
        )
        print(
            f"secplan decrypt                     {dec_bps / gb:6.2f} GB/s  "
            f"= {dec_bps / raw:.0%} of raw loop, {dec_bps / ceiling:.0%} of ceiling  (round trip ok: {same})"
        )
        print(
            f"peak RSS encrypt {args.size_mib} MiB / {args.size_mib // 8} MiB: "
            f"{enc['maxrss_kib'] / 1024:.1f} / {enc_small['maxrss_kib'] / 1024:.1f} MiB; "
            f"decrypt: {dec['maxrss_kib'] / 1024:.1f} / {dec_small['maxrss_kib'] / 1024:.1f} MiB; "
            f"same process without streaming (imports + Argon2id 64 MiB): {idle / 1024:.1f} MiB"
        )
        print(
            "rotation (re-wrap, median of 5): "
            + ", ".join(f"{k}: {v * 1000:.2f} ms" for k, v in rot.items())
            + f"; ratio large/small = {rot_large / rot_small:.2f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
