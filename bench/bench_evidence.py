"""Benchmark: one model version's evidence bundle against what an auditor gets without it, the whole
ledger exported and checked end to end.

Same store, one run: a ledger of ``--entries`` entries (gateway traffic on the model, data reads,
other models' events), then a model version with its history (registered, signed, promoted, served,
an attestation and an incident naming it). It times:
  * ``secplan.evidence.export`` (collect, ledger entry, inclusion proofs, in-memory verification,
    atomic write) and ``secplan.evidence.verify_file`` (offline, nothing but the bundle), median of
    ``--repeat``, with the bundle's size;
  * ``secplan.ledger.export`` (every entry as JSON lines, to a file), its offline check
    (``secplan audit verify --export FILE --key KEY``: every hash, the chain, the tree, every
    checkpoint, with the public key alone) and ``secplan.ledger.verify`` on the store, once, with its size.

    .venv/bin/python bench/bench_evidence.py --entries 1000000
    .venv/bin/python bench/bench_evidence.py --url postgresql+psycopg://postgres@127.0.0.1:55432/EMPTY_DB
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PASS = "bench passphrase, not a secret"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def fill(store, entries: int, batch: int = 5000) -> None:
    from secplan.ledger import Action, record_many

    kinds = (("model.infer", "model:fraud@1"), ("data.read", "dataset:credit"), ("model.infer", "model:churn@4"),
             ("model.register", "model:churn@{i}"), ("access.deny", "model:fraud"))
    done = 0
    while done < entries:
        size = min(batch, entries - done)
        record_many(store, [Action(kinds[i % 5][0], kinds[i % 5][1].format(i=i), {"rows": i, "status": 200},
                                   actor=f"client{i % 13}") for i in range(done, done + size)])
        done += size


def history(store, root: Path, keys) -> None:
    import numpy as np
    from safetensors.numpy import save_file

    from secplan.compliance.attestations import attest
    from secplan.human.incidents import open_incident
    from secplan.model.monitor.served import started
    from secplan.model.registry.gates import promote
    from secplan.model.registry.signatures import sign_version
    from secplan.model.registry.versions import get_version, register_model
    from secplan.vocabulary import Severity

    model = root / "models" / "fraud"
    model.mkdir(parents=True)
    save_file({"w": np.random.default_rng(0).standard_normal((256, 64)).astype("float32")}, str(model / "w.safetensors"))
    (model / "config.json").write_text(json.dumps({"layers": 2}))
    register_model(store, root, model, "fraud", code_ref="a" * 40)
    sign_version(store, root, keys, "fraud@1", "model-signing")
    promote(store, root, keys, "fraud@1", "candidate")
    version = get_version(store, "fraud@1", exact=True)
    started(store, model="fraud@1", requested="fraud@candidate", digest=f"sha256:{version.root_digest}",
            host="127.0.0.1", port=8080, auth=True, tls=False, validation="refuse", monitoring=True)
    attest(store, "MS-6", statement="penetration test of fraud@1's gateway", evidence="https://example.org/r/1",
           expires=dt.date.today() + dt.timedelta(days=90))
    open_incident(store, "extraction alert on fraud@1", kind="model-extraction", severity=Severity.HIGH,
                  assets=["model:fraud@1"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--url", default=None, help="a database URL (default: a SQLite file in a temporary folder)")
    args = parser.parse_args()

    from secplan.crypto.keys.interface import KeyType
    from secplan.crypto.keys.keystore import KdfParams, Keystore
    from secplan.crypto.keys.local import LocalProvider
    from secplan.crypto.keys.manager import KeyManager
    from secplan.evidence import export, verify_file
    from secplan.ledger import export as ledger_export
    from secplan.ledger import verify
    from secplan.ledger.offline import verify_export
    from secplan.ledger.proof import signed_head
    from secplan.store.db import Store

    with tempfile.TemporaryDirectory(prefix="secplan-bench-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        (root / "secplan.yaml").write_text("version: 1\nproject:\n  name: bench\n  id: 5b0e3c9e-0000-4000-8000-000000000001\n"
                                           "  owners: [owner@example.com]\n")
        os.environ["SECPLAN_DATABASE_URL"] = args.url or f"sqlite:///{Path(tmp) / 'secplan.db'}"
        os.environ["SECPLAN_PASSPHRASE"] = PASS
        os.environ["SECPLAN_KEYSTORE"] = str(root / ".secplan" / "keystore.json")
        store = Store.for_project(root)
        keystore = Keystore(root / ".secplan" / "keystore.json")
        keys = KeyManager(keystore, local=LocalProvider(keystore, KdfParams(memory_kib=8192, iterations=1, lanes=1)))
        keys.create("model-signing", KeyType.ECDSA_P256)
        fill_s, _ = timed(lambda: fill(store, args.entries))
        history(store, root, keys)
        exports, verifies = [], []
        for number in range(args.repeat):
            out = Path(tmp) / f"fraud-1-{number}.zip"
            seconds, summary = timed(lambda out=out: export(store, "fraud@1", out))
            exports.append(seconds)
            seconds, report = timed(lambda out=out: verify_file(out))
            assert report.ok, report.failure
            verifies.append(seconds)
        jsonl = Path(tmp) / "ledger.jsonl"

        def write_export() -> int:
            with jsonl.open("w", encoding="utf-8") as handle:
                return ledger_export(store, handle)

        ledger_export_s, count = timed(write_export)
        ledger_bytes = jsonl.stat().st_size
        public = signed_head(store)[0]
        offline_s, offline = timed(lambda: verify_export(jsonl, public))
        assert offline.ok, offline.message
        ledger_verify_s, full = timed(lambda: verify(store))
        assert full.ok
        result = {
            "backend": store.dialect, "ledger_entries": count, "fill_s": round(fill_s, 1),
            "bundle": {"parts": summary["parts"], "entries": summary["entries"], "bytes": out.stat().st_size,
                       "export_s_median": round(statistics.median(exports), 3),
                       "verify_s_median": round(statistics.median(verifies), 3)},
            "whole_ledger": {"bytes": ledger_bytes, "export_s": round(ledger_export_s, 2),
                             "verify_offline_s": round(offline_s, 2), "verify_store_s": round(ledger_verify_s, 2)},
            "verify_ratio": round(offline_s / statistics.median(verifies), 1),
            "size_ratio": round(ledger_bytes / out.stat().st_size, 1),
        }
        store.dispose()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
