"""Browser sessions after an OIDC login: a signed, expiring cookie, and CSRF protection for writes.

The cookie holds the user's name and an expiry, signed with HMAC-SHA256 under the server's secret
(``SECPLAN_SERVER_SECRET``, shared by replicas), so replicas need no session store. It is
``HttpOnly`` (no script reads it), ``SameSite=Lax`` and, under TLS, ``Secure``. A request that
authenticates with the cookie and changes anything (POST, PUT, PATCH, DELETE) must also carry
``X-CSRF-Token``: a value derived from the session that another site can neither read nor guess
(``GET /api/auth/session`` gives it to the page). Bearer-token requests need none: a browser never
adds an ``Authorization`` header on its own. A disabled user's session stops working within a
second (the access policy cache's lifetime); logging out clears the cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

COOKIE = "secplan_session"
LOGIN_COOKIE = "secplan_login"
CSRF_HEADER = "x-csrf-token"
LIFETIME = 8 * 3600
LOGIN_LIFETIME = 600
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Session:
    user: str
    expires: int
    """Unix time."""
    csrf: str


class Signer:
    """Signed values under one purpose each (a session is not a login state, nor a page token)."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _key(self, purpose: str) -> bytes:
        return hmac.new(self._secret, b"secplan-" + purpose.encode(), hashlib.sha256).digest()

    def seal(self, purpose: str, value: dict) -> str:
        payload = _b64(json.dumps(value, separators=(",", ":"), sort_keys=True).encode())
        mac = hmac.new(self._key(purpose), payload.encode(), hashlib.sha256).digest()
        return f"{payload}.{_b64(mac)}"

    def open(self, purpose: str, sealed: str | None) -> dict | None:
        """The value, if the signature holds and it has not expired (``exp``); else None."""
        if not sealed or "." not in sealed:
            return None
        payload, _, mac = sealed.partition(".")
        try:
            expected = hmac.new(self._key(purpose), payload.encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(mac)):
                return None
            value = json.loads(_unb64(payload))
        except ValueError:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("exp"), int) or value["exp"] < time.time():
            return None
        return value

    def csrf(self, sealed_session: str) -> str:
        return _b64(hmac.new(self._key("csrf"), sealed_session.encode(), hashlib.sha256).digest())

    def new_session(self, user: str) -> str:
        return self.seal("session", {"u": user, "exp": int(time.time()) + LIFETIME})

    def session(self, sealed: str | None) -> Session | None:
        value = self.open("session", sealed)
        if value is None or not isinstance(value.get("u"), str):
            return None
        assert sealed is not None
        return Session(value["u"], value["exp"], self.csrf(sealed))

    def csrf_ok(self, sealed: str, presented: str | None) -> bool:
        return bool(presented) and hmac.compare_digest(self.csrf(sealed), presented or "")
