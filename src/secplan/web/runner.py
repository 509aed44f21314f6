"""uvicorn on one address, announcing itself only once it accepts connections: scripts and tests
wait for the ``listening on URL`` line on stdout instead of polling a port."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def run(app: Any, *, host: str, port: int, tls_cert: Path | None = None, tls_key: Path | None = None) -> None:
    """Serve ``app`` until SIGINT/SIGTERM; print ``listening on http(s)://HOST:PORT`` when ready."""
    import uvicorn

    url = f"{'https' if tls_cert else 'http'}://{host}:{port}"

    class _Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                print(f"listening on {url}", flush=True)

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off",
                            server_header=False, ssl_certfile=str(tls_cert) if tls_cert else None,
                            ssl_keyfile=str(tls_key) if tls_key else None, timeout_graceful_shutdown=10)
    _Server(config).run()
