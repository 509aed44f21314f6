"""Benchmark: secplan share packages vs plain age (pyrage) on the same file, and restore-drill time.

    .venv/bin/python bench/bench_backup.py [--size-mib 512] [--drill-mib 256] [--dir /tmp]

Prints, in one run:
- ``share create`` (age encryption + SHA-256 of plaintext and ciphertext + signed manifest + tar) vs
  ``pyrage.encrypt_io`` alone on the same file, and ``share open`` (shape, signature, expiry, payload
  digest, decrypt into a temp file, plaintext digest, rename) vs ``pyrage.decrypt_io`` alone: MiB/s
  and the ratio secplan / age;
- a restore drill over a project of ``--drill-mib`` (restic restore + SHA-256 of every file on both
  sides) next to the bare ``restic restore`` of the same snapshot, so the comparing's cost shows.
Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

MIB = 1 << 20
PASS = "benchmark passphrase"


def make_file(path: Path, size: int) -> None:
    block = os.urandom(16 * MIB)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        left = size
        while left:
            n = min(left, len(block))
            out.write(block[:n])
            left -= n


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def bench_share(work: Path, size: int, repeats: int) -> None:
    import pyrage
    from pyrage import x25519

    from secplan.crypto.keys.interface import KeyType
    from secplan.crypto.keys.keystore import Keystore
    from secplan.crypto.keys.manager import KeyManager
    from secplan.data.share.package import create_package, open_package

    src = work / "payload.bin"
    make_file(src, size)
    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    (work / "id.key").write_text(str(identity))
    keys = KeyManager(Keystore(work / "keystore.json"))
    key = keys.create("bench-signing", KeyType.ED25519)
    expires = dt.date.today() + dt.timedelta(days=1)

    def age_encrypt() -> None:
        with open(src, "rb") as i, open(work / "plain.age", "wb") as o:
            pyrage.encrypt_io(i, o, [x25519.Recipient.from_str(recipient)])

    def age_decrypt() -> None:
        with open(work / "plain.age", "rb") as i, open(work / "plain.out", "wb") as o:
            pyrage.decrypt_io(i, o, [identity])

    def share_create() -> None:
        (work / "p.share.tar").unlink(missing_ok=True)
        create_package(src, work / "p.share.tar", recipient=recipient, expires=expires, agreement="BENCH",
                       sender="bench", keys=keys, key=key)

    def share_open() -> None:
        (work / "share.out").unlink(missing_ok=True)
        open_package(work / "p.share.tar", work / "id.key", work / "share.out", today=dt.date.today())

    rows = []
    for label, ours, theirs in (("encrypt", share_create, age_encrypt), ("decrypt", share_open, age_decrypt)):
        t_age = min(timed(theirs) for _ in range(repeats))
        t_ours = min(timed(ours) for _ in range(repeats))
        rows.append((label, size / MIB / t_age, size / MIB / t_ours))
    print(f"share packages, {size // MIB} MiB file, best of {repeats}:")
    print(f"  {'':8} {'age (pyrage) MiB/s':>20} {'secplan share MiB/s':>20} {'secplan/age':>12}")
    for label, age, ours in rows:
        print(f"  {label:8} {age:20.1f} {ours:20.1f} {ours / age:12.2f}")


def bench_drill(work: Path, size: int) -> None:
    import yaml

    from secplan.crypto.keys.keystore import Keystore
    from secplan.crypto.keys.manager import KeyManager
    from secplan.data.backup.engine import BackupEngine
    from secplan.plan.loader import load_plan
    from secplan.store.db import Store

    root = work / "project"
    files = 16
    for i in range(files):
        make_file(root / "data" / f"part-{i:02}.bin", size // files)
    doc = {"version": 1, "project": {"name": "bench"}, "assets": [{"path": "data"}],
           "policy": {"backup": {"repository": str(work / "repo")}}}
    (root / "secplan.yaml").write_text(yaml.safe_dump(doc))
    os.environ.pop("SECPLAN_DATABASE_URL", None)
    engine = BackupEngine(root, load_plan(root / "secplan.yaml"), Store.for_project(root),
                          KeyManager(Keystore(work / "keystore.json")))
    engine.init()
    t_backup = timed(lambda: engine.create(prune=False))
    restic = engine.restic()
    target = work / "bare-restore"
    t_restore = timed(lambda: restic.run("restore", "latest", "--target", str(target)))
    shutil.rmtree(target)
    result = engine.drill(work)
    print(f"restore drill, {size // MIB} MiB in {files} files (restic {restic.run('version').stdout.split()[1]}):")
    print(f"  backup create {t_backup:.2f}s; bare restic restore {t_restore:.2f}s; "
          f"secplan backup drill {result['duration_s']:.2f}s ({result['compared']} files compared, "
          f"outcome {result['outcome']}); drill/restore {result['duration_s'] / t_restore:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--drill-mib", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("SECPLAN_PASSPHRASE", PASS)
    work = Path(tempfile.mkdtemp(prefix="secplan-bench-backup-", dir=args.dir))
    try:
        bench_share(work, args.size_mib * MIB, args.repeats)
        bench_drill(work, args.drill_mib * MIB)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
