"""One JSON shape for every error: ``{"error": {"status", "code", "message"}}``.

Handlers turn the project's own errors (``PermissionDenied`` -> 403, ``InputError`` -> 400), request
validation and unknown routes into that shape, so that a client parses one thing and no traceback
or internal detail ever reaches it.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from secplan.errors import InputError, IntegrityError, PermissionDenied, SecplanError

_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid", 429: "rate_limited",
          500: "internal", 503: "unavailable"}
_log = logging.getLogger("secplan.server")


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str


class ErrorDoc(BaseModel):
    """What every non-2xx answer carries."""

    error: ErrorBody


#: Error answers every ``/api/v1`` route may give, for the OpenAPI document.
COMMON = {status: {"model": ErrorDoc, "description": code.replace("_", " ")}
          for status, code in _CODES.items() if status in (400, 401, 403, 404, 413, 422, 429)}


class ApiError(Exception):
    """An answer other than success, raised from anywhere in a request."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"status": status, "code": _CODES.get(status, "error"), "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def unauthenticated(reason: str) -> ApiError:
    return ApiError(401, f"authentication required: {reason}", {"WWW-Authenticate": 'Bearer realm="secplan"'})


_STATUS_OF = ((PermissionDenied, 403), (IntegrityError, 409), (InputError, 400))
"""The project's own errors as HTTP statuses (any other SecplanError is a 400)."""


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(SecplanError)
    async def _secplan(_: Request, exc: SecplanError) -> JSONResponse:
        status = next((code for kind, code in _STATUS_OF if isinstance(exc, kind)), 400)
        return error_response(status, exc.message)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error_response(422, f"{where}: {first.get('msg', 'invalid request')}" if where else
                              str(first.get("msg", "invalid request")))

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        _log.error("internal error: %s", type(exc).__name__)
        return error_response(500, "internal error (see the server's log)")
