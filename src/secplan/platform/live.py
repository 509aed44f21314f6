"""Live probes of ML servers, run only when a user asks (``secplan platform probe URL``).

Each probe sends a few harmless GET requests to the API an attacker would use first and reports
whether it answers without credentials. Nothing is created, changed or executed on the server.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from secplan.errors import InputError
from secplan.vocabulary import Severity

TIMEOUT_S = 5.0


@dataclass(frozen=True)
class ProbeResult:
    url: str
    server: str | None
    """What answered: jupyter, mlflow, ray, torchserve; None when nothing recognisable did."""
    unauthenticated: bool
    severity: Severity | None
    message: str

    def to_json(self) -> dict:
        return {"url": self.url, "server": self.server, "unauthenticated": self.unauthenticated,
                "severity": str(self.severity) if self.severity else None, "message": self.message}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a login redirect means "authentication required"
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(url: str) -> tuple[int, object | None]:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "secplan-probe"})
    try:
        with _OPENER.open(request, timeout=TIMEOUT_S) as response:
            body = response.read(256 * 1024)
            status = response.status
    except urllib.error.HTTPError as exc:
        return exc.code, None
    try:
        return status, json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return status, None


def _jupyter(base: str) -> ProbeResult | None:
    status, body = _get(base + "/api")
    if status != 200 or not (isinstance(body, dict) and "version" in body):
        return None
    status, _ = _get(base + "/api/contents")
    if status == 200:
        return ProbeResult(base, "jupyter", True, Severity.CRITICAL,
                           "Jupyter server lists files without a token: anyone who reaches it can run code")
    return ProbeResult(base, "jupyter", False, None, f"Jupyter server requires authentication (HTTP {status})")


def _mlflow(base: str) -> ProbeResult | None:
    status, body = _get(base + "/api/2.0/mlflow/experiments/search?max_results=1")
    if status == 200 and isinstance(body, dict):
        return ProbeResult(base, "mlflow", True, Severity.HIGH,
                           "MLflow tracking API answers without credentials: experiments, models and artifacts are open")
    if status in (401, 403):
        return ProbeResult(base, "mlflow", False, None, f"MLflow requires authentication (HTTP {status})")
    return None


def _ray(base: str) -> ProbeResult | None:
    status, body = _get(base + "/api/version")
    if status == 200 and isinstance(body, dict) and "ray_version" in body:
        return ProbeResult(base, "ray", True, Severity.CRITICAL,
                           "Ray dashboard/job API answers without credentials: anyone who reaches it can submit jobs")
    return None


def _torchserve(base: str) -> ProbeResult | None:
    status, body = _get(base + "/models")
    if status == 200 and isinstance(body, dict) and "models" in body:
        return ProbeResult(base, "torchserve", True, Severity.CRITICAL,
                           "TorchServe management API answers without a token: models can be registered from URLs")
    if status == 401:
        return ProbeResult(base, "torchserve", False, None, "TorchServe management API requires a token")
    return None


PROBES: tuple[Callable[[str], ProbeResult | None], ...] = (_jupyter, _mlflow, _ray, _torchserve)


def probe(url: str) -> ProbeResult:
    """Identify the ML server at ``url`` and whether its API is open. Unreachable servers are reported as such."""
    if not url.startswith(("http://", "https://")):
        raise InputError(f"{url}: not an http(s) URL")
    base = url.rstrip("/")
    try:
        for check in PROBES:
            result = check(base)
            if result is not None:
                return result
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return ProbeResult(base, None, False, None, f"unreachable ({reason})")
    return ProbeResult(base, None, False, None, "no Jupyter, MLflow, Ray or TorchServe API recognised")
