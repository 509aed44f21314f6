"""HDF5 (Keras ``.h5``): the model config is a JSON attribute. The HDF5 C library parses untrusted
input, so it runs in a child process with a time limit: a crash there is an ``error``, never ours;
reaching the time limit is a budget, so the file is ``unsafe`` (not fully scanned).

One child serves every HDF5 file of a scan (paths in, one JSON line out); it is replaced after a
crash or a timeout, and ends with the scanning process.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys

from secplan.model.scan.stream import ScanLimit

TIMEOUT_S = 60
ATTRS = ("model_config", "training_config", "keras_version", "backend")

#: Runs in the child: only h5py, nothing of secplan, so it starts fast.
_CHILD = """
import json, sys
import h5py
keys = sys.argv[1:]
for line in sys.stdin:
    path = line.rstrip("\\n")
    try:
        out = {}
        with h5py.File(path, "r") as f:
            for key in keys:
                if key in f.attrs:
                    value = f.attrs[key]
                    out[key] = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        reply = {"ok": out}
    except Exception as exc:
        reply = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    sys.stdout.write(json.dumps(reply) + "\\n")
    sys.stdout.flush()
"""


class _Worker:
    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([sys.executable, "-c", _CHILD, *ATTRS], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
        return self.proc

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def ask(self, path: str) -> dict:
        if "\n" in path:
            raise RuntimeError("the HDF5 path contains a newline")
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(path.encode("utf-8", "surrogateescape") + b"\n")
            proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            raise RuntimeError("the HDF5 parser process died") from None
        ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT_S)
        if not ready:
            self.stop()
            raise ScanLimit(f"the HDF5 parser did not finish within {TIMEOUT_S}s")
        line = proc.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("the HDF5 parser crashed on this file")
        return json.loads(line)


_WORKER = _Worker()
atexit.register(_WORKER.stop)


def read_attrs(path: str) -> dict[str, str]:
    """Root attributes that may hold configs; raises ``RuntimeError`` when the file cannot be parsed."""
    reply = _WORKER.ask(os.path.abspath(path))
    if "error" in reply:
        raise RuntimeError(f"the HDF5 parser failed: {reply['error']}")
    return reply["ok"]
