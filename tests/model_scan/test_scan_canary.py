"""Canary: artifacts that would create a file if loaded, in every container; scanning all of them
(through the library and the CLI) must leave the file uncreated, and flag every one as unsafe."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

from secplan.model.scan import Verdict, scan_paths

from .corpus import (
    WRAPPERS,
    legacy_torch,
    npy_object,
    sevenzip_bytes,
    tar_bytes,
    torch_zip,
    touch_payload,
    zip_bytes,
)


def _canary_corpus(root: Path, canary: Path) -> dict[str, bytes]:
    payload = touch_payload(str(canary))
    system = b"\x80\x02cos\nsystem\n\x8c" + bytes([len(f"touch {canary}")]) + f"touch {canary}".encode() + b"\x85R."
    files = {
        "raw.pkl": payload, "system.pkl": system,
        "torch.pt": torch_zip(payload), "torch_extra.pt": torch_zip(pickle.dumps({}), {"archive/x.pkl": payload}),
        "legacy.pt": legacy_torch(payload),
        "legacy_tar.pt": tar_bytes({"sys_info": pickle.dumps({}), "pickle": payload,
                                    "storages": pickle.dumps(0, protocol=2), "tensors": pickle.dumps(0, protocol=2)}),
        "object.npy": npy_object(payload), "arrays.npz": zip_bytes({"a.npy": npy_object(payload)}),
        "bundle.zip": zip_bytes({"m/model.bin": payload}, zipfile.ZIP_DEFLATED),
        "bundle.tar": tar_bytes({"model.pkl": payload}),
        "nested.tar": tar_bytes({"in.zip": zip_bytes({"archive/data.pkl": payload})}),
        "bundle.7z": sevenzip_bytes({"model.pkl": payload}, root),
    }
    for kind, compress in WRAPPERS.items():
        files[f"model.{kind}.joblib"] = compress(payload)
        files[f"torch.{kind}"] = compress(torch_zip(payload))
    for name, data in files.items():
        (root / name).write_bytes(data)
    return files


def test_canary_payload_is_real(tmp_path: Path) -> None:
    # Control: the payload does create the file when a real unpickler runs it (in a child process).
    canary = tmp_path / "control-canary"
    (tmp_path / "p.pkl").write_bytes(touch_payload(str(canary)))
    subprocess.run([sys.executable, "-c", f"import pickle; pickle.load(open({str(tmp_path / 'p.pkl')!r}, 'rb'))"],
                   check=True)
    assert canary.exists()


def test_scanning_never_runs_the_payload(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    canary = tmp_path / "CANARY"
    files = _canary_corpus(corpus, canary)
    report = scan_paths([corpus])
    assert not canary.exists()
    assert len(report.files) == len(files)
    assert {r.path.rsplit("/", 1)[-1]: str(r.verdict) for r in report.files} == {n: "unsafe" for n in files}
    assert all(r.verdict is Verdict.UNSAFE for r in report.files)

    proc = subprocess.run([sys.executable, "-m", "secplan", "model", "scan", str(corpus), "-f", "json",
                           "--no-record"], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["unsafe"] == len(files)
    assert not canary.exists()
