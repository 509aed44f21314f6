"""Request bodies with a size limit enforced while reading, whether or not a length was declared:
a client must not make a server buffer more than it will accept."""

from __future__ import annotations

from starlette.requests import Request


class TooLarge(Exception):
    """The body is over the limit (the answer is a 413)."""


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused past ``limit`` bytes whether or not the client declared its length."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)
