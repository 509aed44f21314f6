"""Moved to :mod:`secplan.access.tokens`; kept so that older imports still work."""

from secplan.access.tokens import IssuedToken, TokenRejected, expiry, issue, verify

__all__ = ["IssuedToken", "TokenRejected", "expiry", "issue", "verify"]
