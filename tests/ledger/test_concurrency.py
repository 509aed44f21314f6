"""Several real processes appending at once (and racing to create the key) leave one intact chain."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from secplan.ledger import verify
from secplan.store.db import Store

WORKERS = 4
SINGLE = 15
BATCH = 5

WORKER = """
import json, sys, time
from pathlib import Path
from secplan.ledger import Action, record, record_many
from secplan.store.db import Store

root, go, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
SINGLE, BATCH = int(sys.argv[4]), int(sys.argv[5])
store = Store.for_project(root)
(go.parent / ("ready-" + name)).touch()
while not go.exists():
    time.sleep(0.005)
seqs = [record(store, action="data.read", obj=name + ":" + str(i), actor=name) for i in range(SINGLE)]
seqs += record_many(store, [Action("data.write", name + ":b" + str(i), actor=name) for i in range(BATCH)])
print(json.dumps(seqs))
"""


def test_concurrent_processes_append_without_corruption(store: Store, project_dir: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(project_dir), str(go), f"worker{i}", str(SINGLE), str(BATCH)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(WORKERS)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < WORKERS and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.01)
    go.touch()  # all start together; no key exists yet, so they also race to create it
    results = [p.communicate(timeout=240) for p in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    seqs = [s for out, _ in results for s in json.loads(out)]
    total = WORKERS * (SINGLE + BATCH)
    assert sorted(seqs) == list(range(1, total + 1))
    for out, _ in results:  # each worker's batch got consecutive numbers
        batch = json.loads(out)[-BATCH:]
        assert batch == list(range(batch[0], batch[0] + BATCH))
    report = verify(store)
    assert report.ok, report.message
    assert report.entries == total
    with store.engine.connect() as conn:
        checkpoints = conn.execute(text("SELECT count(*) FROM ledger_checkpoints")).scalar()
    assert checkpoints == WORKERS * (SINGLE + 1)
