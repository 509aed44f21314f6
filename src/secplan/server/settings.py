"""What one ``secplan server`` run is configured with: a frozen value, checked once at start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from secplan.errors import InputError
from secplan.web import oidc

#: Largest request body accepted (an uploaded JSON report); bigger ones get a 413 before parsing.
MAX_BODY = 20_000_000
SECRET_ENV = "SECPLAN_SERVER_SECRET"
"""Key of the page tokens' signature; replicas behind one load balancer share it."""


@dataclass(frozen=True)
class ServerSettings:
    root: Path
    """The server's own folder: its state (the ledger key by default) lives in ``root/.secplan``."""
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str | None = None
    """SQLite or PostgreSQL URL; default ``SECPLAN_DATABASE_URL``, else the SQLite store of ``root``."""
    tls_cert: Path | None = None
    tls_key: Path | None = None
    rate: str = "50/second"
    """Requests per client (a client is its bearer token, or its address without one)."""
    redis: str | None = None
    """``redis://`` storage for rate limits shared by replicas (in memory otherwise)."""
    max_body: int = MAX_BODY
    jwks_url: str | None = None
    """OIDC: the identity provider's JWKS URL; JWT bearers are then accepted beside API tokens."""
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_user_claim: str = "sub"
    """The claim naming the secplan user whose grants decide (in JWT bearers and ID tokens)."""
    oidc_issuer: str | None = None
    """OIDC login: the issuer (its ``/.well-known/openid-configuration`` is read)."""
    oidc_client_id: str | None = None
    public_url: str | None = None
    """The server's URL as browsers reach it (the login's redirect URI is built from it)."""

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise InputError(f"--port {self.port}: give a port between 1 and 65535")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise InputError("give --tls-cert and --tls-key together")
        oidc.check(self.jwks_url, self.jwt_issuer, self.jwt_audience)
        login = (self.oidc_issuer, self.oidc_client_id, self.public_url)
        if any(login) and not all(login):
            raise InputError("OIDC login needs --oidc-issuer, --oidc-client-id and --public-url together")
        for option, url in (("--oidc-issuer", self.oidc_issuer), ("--public-url", self.public_url)):
            if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
                raise InputError(f"{option} {url!r}: give an https:// URL (a login in clear could be taken over)")
        for option, path in (("--tls-cert", self.tls_cert), ("--tls-key", self.tls_key)):
            if path is not None and not path.is_file():
                raise InputError(f"{option} {path}: no such file")

    @property
    def oidc(self) -> oidc.Oidc | None:
        if self.jwks_url is None:
            return None
        return oidc.Oidc(self.jwks_url, self.jwt_issuer or "", self.jwt_audience or "", self.jwt_user_claim)

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"
