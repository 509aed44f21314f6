"""Cursor pagination: ``{items, next_page_token, total}`` with opaque, signed page tokens.

A page token carries the position after the last item (a keyset: sort key and id) and a digest of
the query's filters, signed with HMAC-SHA256 under the server's secret. A client cannot forge a
position, reuse a token with other filters, or read anything from it but an opaque string; a
token that fails any of this is a 400. Keyset positions keep every page as fast as the first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from secplan.server.errors import ApiError
from secplan.server.settings import SECRET_ENV

T = TypeVar("T")
DEFAULT_PAGE = 50
MAX_PAGE = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_page_token: str | None = Field(description="Give as page_token for the next page; null on the last.")
    total: int = Field(description="How many items match, over all pages.")


def server_secret() -> bytes:
    """``SECPLAN_SERVER_SECRET`` (shared by replicas), else a key of this process alone."""
    raw = os.environ.get(SECRET_ENV, "")
    if raw:
        return hashlib.sha256(b"secplan-page-token\0" + raw.encode()).digest()
    return secrets.token_bytes(32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Pager:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @staticmethod
    def _scope(kind: str, filters: Mapping[str, Any]) -> str:
        canonical = json.dumps([kind, {k: v for k, v in sorted(filters.items()) if v is not None}],
                               sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]

    def encode(self, kind: str, filters: Mapping[str, Any], position: list[Any]) -> str:
        payload = _b64(json.dumps({"s": self._scope(kind, filters), "p": position}, separators=(",", ":")).encode())
        mac = hmac.new(self._secret, payload.encode(), hashlib.sha256).digest()[:16]
        return f"{payload}.{_b64(mac)}"

    def decode(self, kind: str, filters: Mapping[str, Any], token: str | None) -> list[Any] | None:
        """The position a token stands for (None for the first page); 400 for any other token."""
        if token is None or token == "":
            return None
        payload, _, mac = token.partition(".")
        try:
            expected = hmac.new(self._secret, payload.encode(), hashlib.sha256).digest()[:16]
            if not mac or not hmac.compare_digest(expected, _unb64(mac)):
                raise ValueError
            doc = json.loads(_unb64(payload))
            if not isinstance(doc, dict) or not isinstance(doc.get("p"), list):
                raise ValueError
        except ValueError:
            raise ApiError(400, "page_token is not a token this server issued (or it was altered)") from None
        if doc.get("s") != self._scope(kind, filters):
            raise ApiError(400, "page_token belongs to a query with other filters: start again without it")
        return doc["p"]


def page_size(value: int | None) -> int:
    if value is None:
        return DEFAULT_PAGE
    if not 1 <= value <= MAX_PAGE:
        raise ApiError(400, f"page_size {value}: between 1 and {MAX_PAGE}")
    return value
