"""A gateway's link to its monitor, off the request path.

Requests are queued after they are answered; a sender thread ships the queue in batches to the
monitor service (:mod:`secplan.model.serve.monitor_service`, a process of its own, shared by the
workers of ``--workers N``), and a reader thread takes back which clients are cut off, the alerts
for ``/metrics`` and the monitor's numbers. A single gateway starts its own service
(:func:`start_service`); the workers of a supervisor connect to the one the supervisor started.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secplan.errors import SecplanError
from secplan.model.serve.monitor_service import ADDRESS_ENV, KEY_ENV, READY

if TYPE_CHECKING:
    from secplan.data.validate.profile import Profile
    from secplan.plan.model import MonitoringPolicy

log = logging.getLogger("secplan.serve")
#: The queue drops requests (counted) beyond this many waiting: monitoring must never block serving.
MAX_QUEUE = 100_000
#: Requests sent to the monitor in one message at most.
SEND_BATCH = 2000


class MonitorFailed(SecplanError):
    """The monitor service did not start or refused this gateway (exit 1)."""


@dataclass
class ServiceProcess:
    """A running monitor service: where it listens, its key, and the process (owned by its starter)."""

    address: str
    key: bytes
    proc: subprocess.Popen
    folder: str

    def env(self) -> dict[str, str]:
        """What a process needs in its environment to connect (see :func:`service_from_env`)."""
        return {ADDRESS_ENV: self.address, KEY_ENV: self.key.hex()}

    def stop(self, timeout: float = 30) -> None:
        """Close its stdin (it observes what it has and exits) and wait for it."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_service(root: Path) -> ServiceProcess:
    """Start a monitor service for the project at ``root``; returns once it listens."""
    folder = tempfile.mkdtemp(prefix="secplan-monitor-")  # private (0700): only this user reaches the socket
    address, key = os.path.join(folder, "monitor.sock"), secrets.token_bytes(32)
    import secplan

    source = str(Path(secplan.__file__).resolve().parent.parent)  # the service runs this very secplan
    path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, ADDRESS_ENV: address, KEY_ENV: key.hex(), "PYTHONPATH": path}
    proc = subprocess.Popen([sys.executable, "-m", "secplan.model.serve.monitor_service", str(root)], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            start_new_session=True)  # a Ctrl-C stops the gateway, which then stops it
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    service = ServiceProcess(address, key, proc, folder)
    if line != READY:
        service.stop(timeout=5)
        raise MonitorFailed(f"the monitor service did not start (exit status {proc.returncode})")
    return service


def service_from_env() -> tuple[str, bytes] | None:
    """The address and key of a service this process was told to use (a supervisor's worker)."""
    address, key = os.environ.get(ADDRESS_ENV), os.environ.get(KEY_ENV)
    return (address, bytes.fromhex(key)) if address and key else None


class Watch:
    def __init__(self, address: str, key: bytes, *, model: str, digest: str, profile: Profile,
                 policy: MonitoringPolicy, served_id: int | None, cut_off: bool,
                 on_alert: Callable[[str], None] | None = None, webhook: str | None = None,
                 owned: ServiceProcess | None = None) -> None:
        self.on_alert = on_alert
        self.owned = owned
        self.blocked: set[str] = set()
        self.dropped = 0
        self.sent = 0
        """Requests handed to the service (the sender thread's count)."""
        self.seen = 0
        """Requests the service has observed (the reader thread's count)."""
        self._status: dict[str, Any] = {}
        self._queue: queue.Queue = queue.Queue(MAX_QUEUE)
        self._bye = threading.Event()
        try:
            self._conn: Connection = Client(address, family="AF_UNIX", authkey=key)
            self._conn.send(("hello", {"model": model, "digest": digest, "profile": profile.model_dump(mode="json"),
                                       "policy": policy.model_dump(mode="json"), "served_id": served_id,
                                       "cut_off": cut_off, "webhook": webhook}))
            answer = self._conn.recv() if self._conn.poll(60) else ("refused", "no answer within 60 s")
        except (OSError, EOFError) as exc:
            raise MonitorFailed(f"cannot reach the monitor service: {exc}") from None
        if answer[0] != "welcome":
            self._conn.close()
            raise MonitorFailed(f"the monitor service refused this gateway: {answer[1]}")
        self._sender = threading.Thread(target=self._send, name="secplan-monitor-send", daemon=True)
        self._reader = threading.Thread(target=self._read, name="secplan-monitor-read", daemon=True)
        self._sender.start()
        self._reader.start()

    def submit(self, rows: Sequence[Mapping[str, Any]], labels: Sequence[Any], client: str,
               budget: tuple[int, int] | None = None) -> None:
        try:
            self._queue.put_nowait((rows, labels, client, budget))
        except queue.Full:
            self.dropped += 1  # racy under load, as a gauge of loss may be

    def status(self) -> dict[str, Any]:
        """The monitor's last numbers, with what this gateway has not had observed yet."""
        pending = self._queue.qsize() + self.sent - self.seen
        return {**self._status, "pending": pending + self._status.get("pending", 0), "dropped": self.dropped,
                "blocked_clients": sorted(self.blocked)}

    def _send(self) -> None:
        while True:
            items = [self._queue.get()]
            while len(items) < SEND_BATCH:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = items[-1] is None
            items = [i for i in items if i is not None]
            try:
                if items:
                    self._conn.send(("observe", items))
                    self.sent += len(items)
                if stop:
                    self._conn.send(("bye",))
                    return
            except (OSError, ValueError):
                log.warning("the monitor service is gone; %d requests were not observed", len(items))
                self.dropped += len(items)
                return

    def _read(self) -> None:
        try:
            while True:
                message = self._conn.recv()
                kind = message[0]
                if kind == "seen":
                    self._status = message[2]
                    self.seen += message[1]
                elif kind == "blocked":
                    self.blocked.add(message[1])
                elif kind == "alert" and self.on_alert is not None:
                    self.on_alert(message[1])
                elif kind == "bye":
                    self._bye.set()
                    return
        except (EOFError, OSError):
            self._bye.set()

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until everything submitted so far is observed (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not (self._queue.empty() and self.seen >= self.sent):
            time.sleep(0.02)

    def close(self, timeout: float = 30.0) -> None:
        """Hand the rest to the monitor, wait until it is observed and this run reported stopped."""
        with contextlib.suppress(queue.Full):
            self._queue.put(None, timeout=timeout)
        self._bye.wait(timeout)
        self._conn.close()
        if self.owned is not None:
            self.owned.stop(timeout)
