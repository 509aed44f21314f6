"""The monitor on live traffic, off the request path.

Requests are queued after they are answered; one thread drains the queue into the model's
:class:`~secplan.model.monitor.detect.Monitor` (one vectorised pass per drain), stores what it
detects as alerts (which open incidents) and reports the monitor's numbers to the store every few
seconds. A client with an open extraction alert is cut off when the plan's policy says so.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secplan.model.monitor.detect import Monitor
    from secplan.model.monitor.detection import Detection
    from secplan.store.db import Store

log = logging.getLogger("secplan.serve")
#: The queue drops requests (counted) beyond this many waiting: monitoring must never block serving.
MAX_QUEUE = 100_000
REPORT_EVERY_S = 1.0


class Watch:
    def __init__(self, store: Store, monitor: Monitor, *, served_id: int | None, cut_off: bool,
                 on_alert: Callable[[Detection], None] | None = None, webhook: str | None = None) -> None:
        self.store, self.monitor, self.served_id, self.cut_off = store, monitor, served_id, cut_off
        self.on_alert = on_alert
        self.webhook = webhook
        self.blocked: set[str] = set()
        self.dropped = 0
        self.alerts = 0
        self._queue: queue.Queue = queue.Queue(MAX_QUEUE)
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread = threading.Thread(target=self._run, name="secplan-monitor", daemon=True)
        self._thread.start()

    def submit(self, rows: Sequence[Mapping[str, Any]], labels: Sequence[Any], client: str,
               budget: tuple[int, int] | None = None) -> None:
        try:
            self._queue.put_nowait((rows, labels, client, budget))
        except queue.Full:
            self.dropped += 1

    def status(self) -> dict[str, Any]:
        return {**self.monitor.status(), "pending": self._queue.qsize(), "dropped": self.dropped,
                "alerts": self.alerts, "blocked_clients": sorted(self.blocked)}

    def _drain(self) -> list:
        items = [self._queue.get(timeout=0.2)]
        while len(items) < 5000:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return items

    def _run(self) -> None:
        last_report = 0.0
        while not self._stop.is_set() or not self._queue.empty():
            try:
                items = self._drain()
            except queue.Empty:
                self._idle.set()
                items = []
            if items:
                self._idle.clear()
                try:
                    self._observe(items)
                except Exception:  # a monitoring failure is logged, never fatal to serving
                    log.exception("monitoring failed on %d requests", len(items))
            now = time.monotonic()
            if self.served_id is not None and now - last_report >= REPORT_EVERY_S:
                last_report = now
                self._report()
        self._report(stopped=True)

    def _observe(self, items: list) -> None:
        found = self.monitor.observe_many([(rows, labels, client) for rows, labels, client, _ in items])
        budgets: dict[str, tuple[int, int]] = {c: b for _, _, c, b in items if b is not None}
        for client, (used, limit) in budgets.items():
            found += self.monitor.budget(client, used, limit)
        if not found:
            return
        from secplan.model.monitor.alerts import raise_alerts

        stored = raise_alerts(self.store, found)
        self.alerts += len(found)
        for d, info in zip(found, stored, strict=True):
            if info["new"] and self.webhook:
                self._post(d, info)
            if self.on_alert is not None:
                self.on_alert(d)
            if self.cut_off and d.kind == "extraction" and d.client:
                self.blocked.add(d.client)

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

    def _report(self, stopped: bool = False) -> None:
        from secplan.model.monitor.served import report

        if self.served_id is None:
            return
        try:
            report(self.store, self.served_id, self.status(), stopped=stopped)
        except Exception:
            log.exception("could not report the monitor's status")

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until everything queued so far is observed (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not (self._queue.empty() and self._idle.is_set()):
            time.sleep(0.02)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
