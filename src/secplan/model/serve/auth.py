"""Who is calling: a bearer token through the access layer, then ``infer`` on the served model.

The token and its user are checked by :func:`secplan.access.identity_from_token` (Argon2 hash,
revocation, expiry, disabled users) and the permission by :func:`secplan.access.authorize`; both
ledger every refusal. With an identity provider configured, an OIDC/JWT bearer is checked against
its JWKS (signature, issuer, audience, expiry) and its user claim names the user whose roles decide,
as for an API token. A verified token's identity is kept for ``TTL`` seconds, as the access
layer's policy cache is, so that a revoked token stops working within that time without a
database round trip per request.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from secplan.errors import PermissionDenied
from secplan.web.oidc import JWT_ALGORITHMS, Oidc, looks_like_jwt

__all__ = ["JWT_ALGORITHMS", "Authenticator", "Caller", "Oidc"]

if TYPE_CHECKING:
    from secplan.access import Identity
    from secplan.projects import Project
    from secplan.store.db import Store

TTL = 1.0


@dataclass(frozen=True)
class Caller:
    """The outcome of authenticating one request."""

    status: int
    """200 allowed, 401 unauthenticated, 403 not allowed."""
    client: str
    """The user's name; ``anonymous`` without a valid token; the address with auth off."""
    reason: str = ""


class Authenticator:
    def __init__(self, store: Store, project: Project, model: str, enabled: bool, oidc: Oidc | None = None) -> None:
        self.store, self.project, self.model, self.enabled = store, project, model, enabled
        self.oidc = oidc
        self._verifier = None
        if oidc is not None:
            from secplan.web.oidc import JwtVerifier

            self._verifier = JwtVerifier(oidc)
        self._cache: dict[str, tuple[float, Caller]] = {}
        self._lock = threading.Lock()

    def check(self, authorization: str | None, address: str) -> Caller:
        """Decide a request from its ``Authorization`` header (blocking: run it off the event loop)."""
        if not self.enabled:
            return Caller(200, f"address:{address}")
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return Caller(401, "anonymous", "no bearer token")
        key = hashlib.sha256(token.strip().encode()).hexdigest()
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < TTL:
            return hit[1]
        caller = self._decide(token.strip())
        if caller.status != 401:
            with self._lock:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[key] = (now, caller)
        return caller

    def _jwt(self, token: str) -> Identity:
        from secplan.access import Identity
        from secplan.access.denials import record_denial
        from secplan.web.oidc import JwtRejected

        assert self._verifier is not None
        try:
            user = self._verifier.user(token)
        except JwtRejected as exc:
            record_denial(self.store, "jwt:invalid", "authenticate", "token", self.project, str(exc))
            raise PermissionDenied(f"the token is not valid: {exc}") from None
        return Identity(user, self.project, (), "oidc")

    def _decide(self, token: str) -> Caller:
        from secplan.access import authorize, identity_from_token

        try:
            if self.oidc is not None and looks_like_jwt(token):
                identity = self._jwt(token)
            else:
                identity = identity_from_token(self.store, token, project=self.project)
        except PermissionDenied as exc:
            return Caller(401, "anonymous", exc.message)
        decision = authorize(self.store, identity, "infer", f"model:{self.model}", self.project)
        if not decision:
            return Caller(403, identity.name, decision.message)
        return Caller(200, identity.name)
