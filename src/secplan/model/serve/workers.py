"""Several gateway processes on one port (``--workers N``): each a whole gateway, sharing the port
through SO_REUSEPORT (the kernel spreads connections over them) and rate limits through Redis.

The supervisor checks nothing itself and holds no model: it starts one monitor service
(:mod:`secplan.model.serve.monitor_service`) and N ``secplan serve`` processes that each run the
preflight, their own model worker and ledger writer, and feed that one monitor; it prints
``listening on URL`` once all of them listen, passes SIGINT/SIGTERM/SIGHUP on, and stops them all
when one fails, so that a half-started set never serves. The monitor sees every worker's share of
a client's traffic, so a client's query patterns are judged over all of it and a client cut off
is cut off by every worker.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secplan.errors import InputError

if TYPE_CHECKING:
    from secplan.model.serve.settings import Settings

SETTINGS_ENV = "SECPLAN_SERVE_WORKER_SETTINGS"
"""How the supervisor hands a worker its settings (JSON); set only on the processes it starts."""
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening socket that other processes may bind too (SO_REUSEPORT), for one worker."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    return sock


def settings_from_env() -> Settings | None:
    """The settings a supervisor passed to this process, if it is one of its workers."""
    from secplan.model.serve.settings import Settings

    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        return None
    data = json.loads(raw)
    for name in ("root", "tls_cert", "tls_key", "profile"):
        if data.get(name) is not None:
            data[name] = Path(data[name])
    data["probabilities_for"] = tuple(data["probabilities_for"])
    return Settings(**data)


def supervise(settings: Settings) -> int:
    """Start ``settings.workers`` gateways on one port; returns the exit code once they have stopped."""
    from secplan.model.serve.watch import start_service

    payload = json.dumps(dataclasses.asdict(settings), default=str)
    monitor = start_service(settings.root) if settings.monitoring else None
    env = {**os.environ, SETTINGS_ENV: payload, **(monitor.env() if monitor else {})}
    procs = [subprocess.Popen([sys.executable, "-m", "secplan.model.serve.worker_main"], env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(settings.workers)]
    previous = {sig: signal.signal(sig, lambda s, _f: _forward(procs, s)) for sig in _FORWARDED}
    try:
        if not _all_listening(procs):
            _forward(procs, signal.SIGTERM)
            codes = [p.wait() for p in procs]
            return next((c for c in codes if c not in (0, -signal.SIGTERM)), 1)
        print(f"listening on {settings.scheme}://{settings.host}:{settings.port}", flush=True)
        print(f"{settings.workers} gateway workers (pids {', '.join(str(p.pid) for p in procs)})",
              file=sys.stderr, flush=True)
        return _wait_any_then_all(procs)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if monitor is not None:
            monitor.stop()


def _all_listening(procs: list[subprocess.Popen]) -> bool:
    """True once every worker printed its ``listening on`` line; False as soon as one ends first."""
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("listening on"):
            return False
        threading.Thread(target=_drain, args=(proc,), daemon=True).start()
    return True


def _drain(proc: subprocess.Popen) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        sys.stdout.write(line)


def _wait_any_then_all(procs: list[subprocess.Popen]) -> int:
    """Wait for a worker to end; then stop the others (a partial set must not go on serving)."""
    ended = threading.Event()
    for proc in procs:
        threading.Thread(target=lambda p=proc: (p.wait(), ended.set()), daemon=True).start()
    ended.wait()
    _forward(procs, signal.SIGTERM)
    codes = [p.wait() for p in procs]
    return max((abs(c) if c not in (-signal.SIGTERM, -signal.SIGINT) else 0) for c in codes)


def _forward(procs: list[subprocess.Popen], sig: int, *_: Any) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(sig)
