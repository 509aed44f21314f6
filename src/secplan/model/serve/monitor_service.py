"""The monitor in a process of its own, shared by every gateway worker of one ``secplan serve``.

Why a process: the detectors are numpy work in Python; on a gateway's own interpreter they hold
the GIL between requests and a request waits for it (up to the 5 ms switch interval). Why shared:
with ``--workers N`` the kernel spreads a client's connections over the workers, and a monitor per
worker would see only its share of each client's traffic (a 300-query extraction over four workers
is four 75-query streams). One service sees the whole of it, judges each client's queries in one
window, and tells every worker which clients to cut off.

Protocol (``multiprocessing.connection`` over a Unix socket in a private folder, HMAC
authentication with a key given to the workers in their environment; messages are tuples):

- gateway -> service: ``("hello", {...})`` once (model, digest, profile, policy, served run id, cut-off,
  webhook: the first hello sets them up, later ones must name the same model and digest);
  ``("observe", [(rows, labels, client, budget), ...])``; ``("bye",)`` when the gateway stops.
- service -> gateway: ``("welcome",)`` or ``("refused", message)``; ``("seen", n, status)`` after
  each batch of that gateway; ``("alert", kind)`` and ``("blocked", client)`` to every gateway;
  ``("bye",)`` once the gateway's last batch is observed and its run is reported stopped.

The service exits when its stdin closes (whoever started it stopped, even by ``kill -9``), after
observing what it already has. Started as ``python -m secplan.model.serve.monitor_service ROOT``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import sys
import threading
import time
from multiprocessing.connection import Connection, Listener
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secplan.model.monitor.detect import Monitor
    from secplan.model.monitor.detection import Detection
    from secplan.store.db import Store

log = logging.getLogger("secplan.serve")
ADDRESS_ENV = "SECPLAN_MONITOR_ADDRESS"
KEY_ENV = "SECPLAN_MONITOR_KEY"
"""The socket path and the hex HMAC key of a running service (set only on the processes that use it)."""
READY = "monitor ready"
REPORT_EVERY_S = 1.0
#: Requests observed in one vectorised pass at most.
MAX_DRAIN = 5000


class Service:
    """One model's monitor fed by any number of gateway connections."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.monitor: Monitor | None = None
        self.identity: tuple[str, str] | None = None
        self.cut_off = False
        self.webhook: str | None = None
        self.blocked: set[str] = set()
        self.alerts = 0
        self.runs: dict[int, int | None] = {}
        """Connection id -> the gateway run (served record) it reports to."""
        self.id = os.urandom(8).hex()
        """Names this service in each run's status: runs that share it report the same numbers."""
        self._conns: dict[int, Connection] = {}
        self._inbox: queue.Queue = queue.Queue()

    # -- receiving (one thread per connection) ---------------------------------------------------
    def attach(self, conn: Connection) -> None:
        cid = id(conn)
        self._conns[cid] = conn
        threading.Thread(target=self._read, args=(cid, conn), daemon=True).start()

    def _read(self, cid: int, conn: Connection) -> None:
        try:
            while True:
                self._inbox.put((cid, conn.recv()))
        except (EOFError, OSError):
            self._inbox.put((cid, ("gone",)))

    # -- the monitor thread ----------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        last_report = 0.0
        while not (stop.is_set() and self._inbox.empty()):
            batch: dict[int, list] = {}
            try:
                item = self._inbox.get(timeout=0.2)
            except queue.Empty:
                item = None
            while item is not None:
                cid, message = item
                if message[0] == "observe":
                    batch.setdefault(cid, []).extend(message[1])
                else:
                    self._observe(batch)  # keep each connection's order: its batch before its bye
                    batch = {}
                    self._control(cid, message)
                if sum(len(v) for v in batch.values()) >= MAX_DRAIN:
                    break
                try:
                    item = self._inbox.get_nowait()
                except queue.Empty:
                    item = None
            self._observe(batch)
            now = time.monotonic()
            if now - last_report >= REPORT_EVERY_S:
                last_report = now
                self._report_all()
        self._report_all()

    def _control(self, cid: int, message: tuple) -> None:
        kind = message[0]
        if kind == "hello":
            problem = self._hello(cid, message[1])
            self._send(cid, ("refused", problem) if problem else ("welcome",))
            for client in sorted(self.blocked):
                self._send(cid, ("blocked", client))
        elif kind == "bye":
            self._report(cid, stopped=True)
            self.runs.pop(cid, None)
            self._send(cid, ("bye",))
        elif kind == "gone":  # killed without a bye: its run stays as it was last reported
            self.runs.pop(cid, None)
            conn = self._conns.pop(cid, None)
            if conn is not None:
                conn.close()

    def _hello(self, cid: int, hello: dict[str, Any]) -> str | None:
        from secplan.data.validate.profile import Profile
        from secplan.model.monitor.detect import Monitor
        from secplan.plan.model import MonitoringPolicy

        identity = (hello["model"], hello["digest"])
        if self.monitor is None:
            self.monitor = Monitor(hello["model"], Profile.model_validate(hello["profile"]),
                                   MonitoringPolicy.model_validate(hello["policy"]))
            self.identity, self.cut_off, self.webhook = identity, bool(hello["cut_off"]), hello.get("webhook")
        elif identity != self.identity:
            return (f"this monitor watches {self.identity[0]} ({self.identity[1]}), not "  # type: ignore[index]
                    f"{identity[0]} ({identity[1]})")
        self.runs[cid] = hello.get("served_id")
        return None

    def _observe(self, batch: dict[int, list]) -> None:
        if not batch or self.monitor is None:
            return
        items = [item for cid in batch for item in batch[cid]]
        try:
            found = self.monitor.observe_many([(rows, labels, client) for rows, labels, client, _ in items])
            budgets: dict[str, tuple[int, int]] = {c: b for _, _, c, b in items if b is not None}
            for client, (used, limit) in budgets.items():
                found += self.monitor.budget(client, used, limit)
            if found:
                self._raise(found)
        except Exception:  # a monitoring failure is logged, never fatal to serving
            log.exception("monitoring failed on %d requests", len(items))
        status = self.status()
        for cid, part in batch.items():
            self._send(cid, ("seen", len(part), status))

    def _raise(self, found: list[Detection]) -> None:
        from secplan.model.monitor.alerts import raise_alerts

        stored = raise_alerts(self.store, found)
        self.alerts += len(found)
        for d, info in zip(found, stored, strict=True):
            if info["new"] and self.webhook:
                self._post(d, info)
            self._broadcast(("alert", d.kind))
            if self.cut_off and d.kind == "extraction" and d.client and d.client not in self.blocked:
                self.blocked.add(d.client)
                self._broadcast(("blocked", d.client))

    def _post(self, d: Detection, info: dict[str, Any]) -> None:
        """Tell the webhook about a new alert; a failure is logged (the alert and incident are stored)."""
        import httpx

        doc = {"id": info["id"], "kind": d.kind, "model": d.model, "client": d.client, "feature": d.feature,
               "score": d.score, "threshold": d.threshold, "message": d.message,
               "incident": None if info["incident"] is None else str(info["incident"])}
        try:
            httpx.post(self.webhook or "", json=doc, timeout=5.0, follow_redirects=False).raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("alert webhook failed: %s", type(exc).__name__)

    def status(self) -> dict[str, Any]:
        base = self.monitor.status() if self.monitor is not None else {}
        return {**base, "pending": self._inbox.qsize(), "alerts": self.alerts, "blocked_clients": sorted(self.blocked),
                "monitor": self.id, "gateways": len(self.runs)}

    def _report_all(self) -> None:
        for cid in list(self.runs):
            self._report(cid)

    def _report(self, cid: int, stopped: bool = False) -> None:
        from secplan.model.monitor.served import report

        run = self.runs.get(cid)
        if run is None or self.monitor is None:
            return
        try:
            report(self.store, run, self.status(), stopped=stopped)
        except Exception:
            log.exception("could not report the monitor's status")

    def _send(self, cid: int, message: tuple) -> None:
        conn = self._conns.get(cid)
        if conn is None:
            return
        with contextlib.suppress(OSError, ValueError):  # the gateway is gone; its reader thread says so
            conn.send(message)

    def _broadcast(self, message: tuple) -> None:
        for cid in list(self._conns):
            self._send(cid, message)


def main() -> int:
    from secplan.store.db import Store

    if len(sys.argv) != 2 or ADDRESS_ENV not in os.environ or KEY_ENV not in os.environ:
        print("error: this module is started by `secplan serve`", file=sys.stderr)
        return 2
    address, key = os.environ[ADDRESS_ENV], bytes.fromhex(os.environ.pop(KEY_ENV))
    store = Store.for_project(Path(sys.argv[1]))
    service = Service(store)
    listener = Listener(address, family="AF_UNIX", authkey=key)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                service.attach(listener.accept())
            except OSError:
                if stop.is_set():
                    return
            except Exception:  # a peer without the key: refused by the handshake, keep listening
                log.warning("a connection to the monitor failed its authentication")

    def parent_gone() -> None:
        sys.stdin.buffer.read()  # returns at EOF: whoever started this service has stopped
        stop.set()

    threading.Thread(target=accept, daemon=True).start()
    threading.Thread(target=parent_gone, daemon=True).start()
    print(READY, flush=True)
    try:
        service.run(stop)
    finally:
        listener.close()
        store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
