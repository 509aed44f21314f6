"""uvicorn on one address, announcing itself only once it accepts connections: scripts and tests
wait for the ``listening on URL`` line on stdout instead of polling a port."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any


def run(app: Any, *, host: str, port: int, tls_cert: Path | None = None, tls_key: Path | None = None,
        sockets: list | None = None, on_started: Callable[[], None] | None = None) -> None:
    """Serve ``app`` until SIGINT/SIGTERM; print ``listening on http(s)://HOST:PORT`` when ready.

    ``sockets``: listen on these (already bound) instead of binding ``host:port``; ``on_started`` runs
    on the event loop just before the line is printed. Returns normally on SIGTERM, so that the
    caller's ``finally`` runs (see ``_exit_cleanly``)."""
    import uvicorn

    url = f"{'https' if tls_cert else 'http'}://{host}:{port}"

    class _Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                if on_started is not None:
                    on_started()
                print(f"listening on {url}", flush=True)

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off",
                            server_header=False, ssl_certfile=str(tls_cert) if tls_cert else None,
                            ssl_keyfile=str(tls_key) if tls_key else None, timeout_graceful_shutdown=10)
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again for the previous
    # handler: Python's default would kill the process before the caller's cleanup (a gateway's last
    # monitor numbers, the end of its run), so the previous handler is one that unwinds instead.
    previous = signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        _Server(config).run(sockets=sockets)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_cleanly(_signum: int, _frame: Any) -> None:
    raise SystemExit(0)
