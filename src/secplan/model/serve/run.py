"""Start a gateway: preflight, the worker, the profile, the guards, then uvicorn.

Nothing listens before every check has passed; ``listening on URL`` is printed (stdout, flushed)
only once the socket accepts connections, so scripts can wait for that line.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secplan.model.serve.gateway import Gateway
    from secplan.model.serve.settings import Settings
    from secplan.store.db import Store

UPSTREAM_TOKEN_ENV = "SECPLAN_UPSTREAM_TOKEN"
"""Bearer token the gateway presents to an ``--upstream`` server (from the environment only)."""


def _policy(store: Store) -> Any:
    from secplan.human.domain import project_plan
    from secplan.plan.model import MonitoringPolicy

    plan = project_plan(store)
    return plan.policy.monitoring if plan is not None else MonitoringPolicy()


def open_gateway(settings: Settings, store: Store) -> Gateway:
    """Everything but the socket: the checks, the worker, the guards and the monitor."""
    from secplan.model.monitor.served import started
    from secplan.model.serve import inputs, preflight
    from secplan.model.serve.auth import Authenticator, Oidc
    from secplan.model.serve.gateway import Gateway
    from secplan.model.serve.metrics import Metrics
    from secplan.model.serve.ratelimit import Limiter
    from secplan.model.serve.watch import Watch, service_from_env, start_service
    from secplan.model.worker import EndpointModel, open_worker
    from secplan.projects import project_of

    approved = preflight.check(store, settings.root, settings.ref)
    oidc = Oidc(settings.jwks_url, settings.jwt_issuer or "", settings.jwt_audience or "",
                settings.jwt_user_claim) if settings.jwks_url else None
    version = approved.version
    limiter = Limiter(settings.rate, settings.budget, settings.redis)
    policy = _policy(store)
    if settings.upstream:
        predictor: Any = EndpointModel(settings.upstream, token=os.environ.get(UPSTREAM_TOKEN_ENV))
    else:
        predictor = open_worker(version, settings.root)
    try:
        served_inputs = inputs.load(version, settings.root, predictor.info.features, settings.profile)
        served_id = started(store, model=version.ref, requested=settings.ref, digest=approved.digest,
                            host=settings.host, port=settings.port, auth=settings.auth,
                            tls=settings.tls_cert is not None, validation=settings.on_invalid,
                            monitoring=settings.monitoring)
        metrics = Metrics(version.ref)
        watch = None
        if settings.monitoring:
            shared = service_from_env()  # a supervisor's worker: the one service of all workers
            owned = start_service(settings.root) if shared is None else None
            address, key = shared or (owned.address, owned.key)  # type: ignore[union-attr]
            try:
                watch = Watch(address, key, model=version.ref, digest=approved.digest, profile=served_inputs.profile,
                              policy=policy, served_id=served_id, cut_off=policy.cut_off_extraction,
                              on_alert=metrics.alert, webhook=settings.webhook, owned=owned)
            except BaseException:
                if owned is not None:
                    owned.stop()
                raise
        return Gateway(settings=settings, store=store, predictor=predictor, name=version.name,
                       version=version.version, digest=approved.digest, inputs=served_inputs,
                       authenticator=Authenticator(store, project_of(store), version.name, settings.auth, oidc),
                       limiter=limiter, metrics=metrics, watch=watch)
    except BaseException:
        predictor.close()
        raise


def _on_hangup(gateway: Gateway) -> None:
    """SIGHUP re-checks the served version off the event loop (``kill -HUP PID``, as for other servers)."""
    import asyncio

    from secplan.model.serve.recheck import recheck

    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGHUP, lambda: loop.run_in_executor(None, recheck, gateway))


def serve(settings: Settings, *, reuse_port: bool = False) -> None:
    """Run until interrupted (SIGINT/SIGTERM); the monitor's last numbers are stored on the way out.

    ``reuse_port``: listen on a socket other workers of ``--workers N`` share (see ``workers.py``)."""
    from secplan.model.serve.app import build
    from secplan.model.serve.workers import reuse_port_socket
    from secplan.store.db import Store
    from secplan.web.runner import run

    sockets = [reuse_port_socket(settings.host, settings.port)] if reuse_port else None
    store = Store.for_project(settings.root)
    gateway = open_gateway(settings, store)
    try:
        run(build(gateway), host=settings.host, port=settings.port, tls_cert=settings.tls_cert,
            tls_key=settings.tls_key, sockets=sockets, on_started=lambda: _on_hangup(gateway))
    finally:
        gateway.close()
        store.dispose()
    sys.stdout.flush()
