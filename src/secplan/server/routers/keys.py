"""``/api/v1/keys``: metadata of the server's keys (never material): id, type, provider, state.

Keys live in a keystore beside the server, not in the database, so these are the server's own;
reading them needs ``read`` on ``key`` in the server's project.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from secplan.access import Identity
from secplan.server.auth import allow, caller
from secplan.server.context import Context, context
from secplan.server.errors import COMMON
from secplan.server.schemas_records import KeyOut

router = APIRouter(prefix="/api/v1", tags=["keys"], responses=COMMON)
_PUBLIC = ("id", "type", "provider", "state", "created", "name", "version", "purpose", "public_key")


@router.get("/keys", response_model=list[KeyOut], summary="The server's keys (metadata only)")
def list_keys(ctx: Context = Depends(context), who: Identity = Depends(caller)) -> list[KeyOut]:
    from secplan.crypto.keys.manager import KeyManager

    allow(ctx, who, "read", "key", ctx.home)
    views = [k.public_view() for k in KeyManager.for_project(ctx.settings.root).list()]
    return [KeyOut(**{f: v[f] for f in _PUBLIC if f in v}) for v in views]
