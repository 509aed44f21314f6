"""HDF5 (Keras ``.h5``): the model config is a JSON attribute. The HDF5 C library parses untrusted
input, so it runs in a child process with a time limit: a crash there is an ``error``, never ours."""

from __future__ import annotations

import json
import os
import subprocess
import sys

TIMEOUT_S = 60
ATTRS = ("model_config", "training_config", "keras_version", "backend")


def read_attrs(path: str) -> dict[str, str]:
    """Root attributes that may hold configs; raises ``RuntimeError`` when the file cannot be parsed."""
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD, path, *ATTRS], capture_output=True,
                              timeout=TIMEOUT_S, check=False,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the HDF5 parser did not finish within {TIMEOUT_S}s") from None
    if proc.returncode != 0:
        last = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"the HDF5 parser failed: {last[:200]}")
    return json.loads(proc.stdout)


#: Runs in the child: only h5py, nothing of secplan, so it starts fast.
_CHILD = """
import json, sys
import h5py
out = {}
with h5py.File(sys.argv[1], "r") as f:
    for key in sys.argv[2:]:
        if key in f.attrs:
            value = f.attrs[key]
            out[key] = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
sys.stdout.write(json.dumps(out))
"""
