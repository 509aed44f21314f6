"""The parent's side of a worker: start the child, send feature tables, read answers within limits.

The child is ``python -m secplan.model.worker.child`` with a clean environment, one thread per
numeric library, its own limits (:mod:`.child`) and a private working folder; the parent reads
its answers with a deadline and kills it when a call runs over. The parent never unpickles: it
decodes only :mod:`.protocol` messages.
"""

from __future__ import annotations

import collections
import contextlib
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from secplan.errors import InputError, SecplanError
from secplan.model.worker.interface import Features, Limits, ModelInfo
from secplan.model.worker.protocol import ProtocolError, read_message, write_message

if TYPE_CHECKING:
    from secplan.model.worker.prepare import Prepared

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


class WorkerError(SecplanError):
    """The worker failed, died or ran over a limit (exit 2: the model could not be evaluated)."""


def columns_of(features: Features, names: list[str] | None) -> tuple[list[Any] | None, list[np.ndarray]]:
    """Column names and arrays of a DataFrame, a mapping of names to 1-D arrays, or a 2-D array (an
    array gets the model's names when widths match)."""
    if isinstance(features, Mapping):
        return [str(c) for c in features], [np.asarray(v) for v in features.values()]
    if hasattr(features, "columns"):
        return [str(c) for c in features.columns], [features[c].to_numpy() for c in features.columns]
    array = np.asarray(features)
    if array.ndim != 2:
        raise InputError(f"features must be a table (2-D); got {array.ndim} dimension(s)")
    cols = names if names is not None and len(names) == array.shape[1] else None
    return cols, [array[:, i] for i in range(array.shape[1])]


class ModelWorker:
    """A verified model loaded in its own limited process; see :class:`~.interface.Predictor`."""

    def __init__(self, prepared: Prepared, limits: Limits = Limits()) -> None:
        import secplan

        self.prepared = prepared
        self.limits = limits
        self.queries = 0
        self.ref = prepared.ref
        self.digest = prepared.digest
        source_root = str(Path(secplan.__file__).resolve().parent.parent)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": source_root,
               "HOME": str(prepared.workdir), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
               **dict.fromkeys(_THREAD_VARS, "1")}
        self._stderr: collections.deque[str] = collections.deque(maxlen=40)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "secplan.model.worker.child", prepared.format, str(prepared.model_file),
             str(limits.memory_mb), str(limits.cpu_seconds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=prepared.workdir, env=env,
            start_new_session=True)
        threading.Thread(target=self._drain, daemon=True).start()
        try:
            header, _ = self._receive()
            self.info = ModelInfo(**header["info"])
        except BaseException:
            self.close()
            raise

    def _drain(self) -> None:
        assert self._proc.stderr is not None
        for line in iter(self._proc.stderr.readline, b""):
            self._stderr.append(line.decode("utf-8", "replace").rstrip())

    def _died(self, what: str) -> WorkerError:
        code = self._proc.poll()
        if code is None:
            self._kill()
            code = self._proc.returncode
        reasons = {-signal.SIGXCPU: f"it ran over its {self.limits.cpu_seconds} s CPU limit",
                   -signal.SIGKILL: "it was killed", -signal.SIGXFSZ: "it tried to write a file"}
        reason = reasons.get(code or 0, f"exit status {code}")
        tail = next((line for line in reversed(self._stderr) if line.strip()), "")
        return WorkerError(f"{self.ref}: the model worker {what}: {reason}" + (f" ({tail[:300]})" if tail else ""))

    def _read_exact(self, n: int, deadline: float) -> bytes:
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        chunks, left = [], n
        while left:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                self._kill()
                raise WorkerError(f"{self.ref}: a call to the model worker took over "
                                  f"{self.limits.call_timeout_s:g} s; it was stopped")
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise self._died("stopped")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _receive(self) -> tuple[dict[str, Any], list[np.ndarray]]:
        deadline = time.monotonic() + self.limits.call_timeout_s
        try:
            header, arrays = read_message(lambda n: self._read_exact(n, deadline))
        except ProtocolError as exc:
            self._kill()
            raise WorkerError(f"{self.ref}: the model worker sent a malformed answer ({exc}); it was stopped") from None
        if "error" in header:
            raise WorkerError(f"{self.ref}: {header['error']}")
        return header, arrays

    def _call(self, op: str, features: Features, extra: dict[str, Any] | None = None,
              count: bool = True) -> tuple[dict[str, Any], np.ndarray]:
        if self._proc.poll() is not None:
            raise self._died("is not running")
        columns, arrays = columns_of(features, self.info.features)
        rows = len(arrays[0]) if arrays else 0
        if rows > self.limits.max_rows:
            raise InputError(f"{rows} rows in one call; the worker accepts at most {self.limits.max_rows}")
        assert self._proc.stdin is not None
        try:
            write_message(self._proc.stdin.write, {"op": op, "columns": columns, **(extra or {})}, arrays)
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._died("stopped") from None
        if count:
            self.queries += rows
        header, out = self._receive()
        return header, out[0]

    def predict(self, features: Features) -> np.ndarray:
        return self._call("predict", features)[1]

    def predict_proba(self, features: Features) -> np.ndarray:
        if not self.info.has_proba:
            raise InputError(f"{self.ref}: the model gives no class probabilities")
        return self._call("predict_proba", features)[1]

    def white_box_attacks(self) -> list[str]:
        return list((self.info.details.get("white_box") or {}).get("attacks") or [])

    def attack(self, kind: str, features: Features, params: dict[str, Any]) -> tuple[np.ndarray, int]:
        """Run a white-box attack next to the model; the rows of calls it made count as queries."""
        if kind not in self.white_box_attacks():
            raise InputError(f"{self.ref}: the {kind} attack does not apply to this model")
        header, adversarial = self._call("attack", features, {"kind": kind, "params": params}, count=False)
        queries = int(header.get("queries", 0))
        self.queries += queries
        return adversarial, queries

    def _kill(self) -> None:
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc.wait()

    def close(self) -> None:
        """Stop the worker and delete its private copy of the model."""
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                write_message(self._proc.stdin.write, {"op": "close"})
                self._proc.stdin.close()
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._kill()
        for pipe in (self._proc.stdout, self._proc.stderr):
            if pipe is not None:
                pipe.close()
        self.prepared.cleanup()

    def __enter__(self) -> ModelWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
