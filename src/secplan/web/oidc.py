"""OIDC bearer tokens (JWTs) checked against an identity provider's JWKS: what the model gateway and
the control-plane server both accept beside API tokens.

Only asymmetric signatures (never ``none``, never a shared-secret HMAC); issuer, audience and
expiry are required, so a token minted for another service or by another issuer is refused. The
user claim names the secplan user whose grants decide; reasons never quote the token.
"""

from __future__ import annotations

from dataclasses import dataclass

from secplan.errors import InputError

#: Signature algorithms accepted in JWTs (never ``none``, never a shared-secret HMAC).
JWT_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
_LOCAL = ("http://127.0.0.1", "http://localhost", "http://[::1]")


@dataclass(frozen=True)
class Oidc:
    jwks_url: str
    issuer: str
    audience: str
    user_claim: str = "sub"


def check(jwks_url: str | None, issuer: str | None, audience: str | None) -> None:
    """Refuse an OIDC configuration that would accept tokens it should not (InputError, exit 2)."""
    if jwks_url is None:
        return
    if not issuer or not audience:
        raise InputError("--jwks-url needs --jwt-issuer and --jwt-audience: a token for another service "
                         "or from another issuer must not be accepted")
    if not jwks_url.startswith(("https://", *_LOCAL)):
        raise InputError(f"--jwks-url {jwks_url!r}: give an https:// URL (keys fetched in clear could be "
                         "replaced on the way)")


class JwtRejected(Exception):
    """Why a JWT is refused: a short reason naming the check, never the token."""


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and not token.startswith("spt_")


class JwtVerifier:
    """Verifies JWTs against a JWKS fetched (and cached five minutes) from the identity provider."""

    def __init__(self, oidc: Oidc) -> None:
        from jwt import PyJWKClient

        self.oidc = oidc
        self._jwks = PyJWKClient(oidc.jwks_url, cache_keys=True, lifespan=300, timeout=10)

    def user(self, token: str) -> str:
        """The user the token names (its user claim), if its signature, issuer, audience and expiry hold."""
        import jwt

        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key.key, algorithms=list(JWT_ALGORITHMS), audience=self.oidc.audience,
                                issuer=self.oidc.issuer, options={"require": ["exp", "iss", "aud"]}, leeway=30)
            user = claims.get(self.oidc.user_claim)
            if not isinstance(user, str) or not user.strip():
                raise jwt.InvalidTokenError(f"no {self.oidc.user_claim!r} claim")
        except jwt.PyJWTError as exc:
            raise JwtRejected(f"JWT rejected: {type(exc).__name__}") from None
        return user.strip()[:200]
