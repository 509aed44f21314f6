"""What one ``secplan serve`` run is configured with: a frozen value, checked once at start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from secplan.errors import InputError
from secplan.netaddr import is_loopback
from secplan.web import oidc

#: Largest request body accepted (bytes); bigger ones get a 413 before they are parsed.
MAX_BODY = 1_000_000
#: Rows one request may carry.
MAX_BATCH = 1000


@dataclass(frozen=True)
class Settings:
    """A gateway's configuration; every guard is on unless turned off here."""

    ref: str
    """``NAME@VERSION`` or ``NAME@STAGE`` as given."""
    root: Path
    host: str = "127.0.0.1"
    port: int = 8080
    tls_cert: Path | None = None
    tls_key: Path | None = None
    upstream: str | None = None
    workers: int = 1
    profile: Path | None = None
    auth: bool = True
    """Bearer tokens through the access layer; off only on loopback."""
    redis: str | None = None
    """``redis://`` URL of the rate-limit storage shared by several workers (in memory otherwise)."""
    rate: str = "100/second"
    """Per-client request rate (the ``limits`` notation: ``N/second``, ``N/minute``...)."""
    budget: int = 100_000
    """Rows a client may send per day (its query budget); 0 for none."""
    max_body: int = MAX_BODY
    max_batch: int = MAX_BATCH
    on_invalid: Literal["reject", "flag", "off"] = "reject"
    """An input outside the profile: refuse it (422), serve it and flag it in the audit, or (off) do not
    validate at all (the MS-2 probe reports it)."""
    probabilities_for: tuple[str, ...] = ()
    """Clients given class probabilities (rounded); everyone else gets labels only."""
    round_to: int = 2
    top_k: int | None = None
    monitoring: bool = True
    jwks_url: str | None = None
    """OIDC: the identity provider's JWKS URL; JWT bearer tokens are then accepted beside API tokens."""
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_user_claim: str = "sub"
    """The claim naming the user whose roles (``secplan roles grant USER model-client``) decide."""
    webhook: str | None = None
    """URL that receives each new alert as JSON (optional)."""

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise InputError(f"--port {self.port}: give a port between 1 and 65535")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise InputError("give --tls-cert and --tls-key together")
        if self.workers < 1:
            raise InputError(f"--workers {self.workers}: at least 1")
        if self.workers > 1 and self.redis is None:
            raise InputError("--workers above 1 needs --redis URL: rate limits and budgets must be shared")
        if not self.auth and not is_loopback(self.host):
            raise InputError(f"--host {self.host}: without authentication the gateway binds to loopback only",
                             hint="drop --no-auth (clients then need a token from `secplan tokens create`)")
        if self.on_invalid not in ("reject", "flag", "off"):
            raise InputError(f"--on-invalid {self.on_invalid!r}: reject, flag or off")
        oidc.check(self.jwks_url, self.jwt_issuer, self.jwt_audience)
        if self.top_k is not None and self.top_k < 1:
            raise InputError(f"--top-k {self.top_k}: at least 1")

    @property
    def scheme(self) -> str:
        return "https" if self.tls_cert else "http"
