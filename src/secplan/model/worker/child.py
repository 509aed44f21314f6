"""The worker process: limit itself, load one verified model, answer calls on stdin/stdout.

Started by :class:`~.process.ModelWorker` as ``python -m secplan.model.worker.child FORMAT PATH``
with a clean environment. Limits are set before the model library is imported: address space
(``RLIMIT_AS``), CPU time (``RLIMIT_CPU``), no core files and no file writes (``RLIMIT_FSIZE`` 0).
Every answer is a :mod:`.protocol` message; a failure is ``{"error": ...}``, never a traceback.
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path
from typing import Any, BinaryIO

from secplan.model.worker.protocol import read_message, write_message


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _reader(stream: BinaryIO):
    def read_exact(n: int) -> bytes:
        chunks, left = [], n
        while left:
            chunk = stream.read(left)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    return read_exact


def _frame(header: dict[str, Any], arrays: list[Any]) -> Any:
    import pandas as pd

    columns = header.get("columns") or list(range(len(arrays)))
    return pd.DataFrame({name: values for name, values in zip(columns, arrays, strict=True)})


def _answer(model: Any, header: dict[str, Any], arrays: list[Any]) -> tuple[dict[str, Any], list[Any]]:
    op = header.get("op")
    if op == "predict":
        return {"ok": True}, [model.predict(_frame(header, arrays))]
    if op == "predict_proba":
        return {"ok": True}, [model.predict_proba(_frame(header, arrays))]
    if op == "attack":
        adversarial, queries = model.attack(str(header.get("kind")), _frame(header, arrays),
                                            dict(header.get("params") or {}))
        return {"ok": True, "queries": int(queries)}, [adversarial]
    return {"error": f"unknown call {op!r}"}, []


def main() -> None:
    fmt, path, memory_mb, cpu_seconds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    _limit(memory_mb, cpu_seconds)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a library that prints must not corrupt the protocol stream
    read_exact = _reader(stdin)

    def send(header: dict[str, Any], arrays: list[Any] = ()) -> None:  # type: ignore[assignment]
        write_message(stdout.write, header, arrays)
        stdout.flush()

    from secplan.model.worker.loaders import load

    try:
        model = load(fmt, path)
        send({"ok": True, "info": model.info()})
    except MemoryError:
        send({"error": f"loading the model needs more than the worker's {memory_mb} MB"})
        return
    except Exception as exc:  # the library's own error, reported by name
        send({"error": f"cannot load the {fmt} model: {type(exc).__name__}: {exc}"[:2000]})
        return
    while True:
        try:
            header, arrays = read_message(read_exact)
        except EOFError:
            return
        if header.get("op") == "close":
            return
        try:
            reply, out = _answer(model, header, arrays)
        except MemoryError:
            reply, out = {"error": f"the call needs more than the worker's {memory_mb} MB"}, []
        except Exception as exc:
            reply, out = {"error": f"{type(exc).__name__}: {exc}"[:2000]}, []
        send(reply, out)


if __name__ == "__main__":
    os.umask(0o077)
    main()
