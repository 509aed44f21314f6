"""``/api/v1/audit``: the store's audit ledger (CS-4): entries, signed checkpoints, and inclusion and
consistency proofs an auditor checks with the public key alone (``secplan audit verify-proof``).

There is one ledger per store, naming every project's actions, so reading it needs ``read`` on
``ledger`` in the server's own project (the organisation's auditors and security officers).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from secplan.access import Identity
from secplan.server.auth import allow, caller
from secplan.server.context import Context, context
from secplan.server.errors import COMMON, ApiError
from secplan.server.pagination import Page, page_size
from secplan.server.schemas_records import CheckpointOut, ConsistencyOut, EntryOut, HeadOut, InclusionOut

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=COMMON)


def _auditor(ctx: Context, who: Identity) -> None:
    allow(ctx, who, "read", "ledger", ctx.home)


@router.get("/entries", response_model=Page[EntryOut], summary="Ledger entries, newest first")
def list_entries(actor: str | None = None, action: str | None = Query(None, description="An action or its prefix."),
                 page_token: str | None = None, size: int | None = Query(None, alias="page_size"),
                 ctx: Context = Depends(context), who: Identity = Depends(caller)) -> Page[EntryOut]:
    from sqlalchemy import func

    from secplan.ledger.entry import Entry
    from secplan.ledger.reading import ENTRY_COLUMNS
    from secplan.ledger.records import ENTRIES

    _auditor(ctx, who)
    n = page_size(size)
    scope = {"actor": actor, "action": action}
    position = ctx.pager.decode("audit", scope, page_token)
    query = select(*ENTRY_COLUMNS)
    count = select(func.count()).select_from(ENTRIES)
    if actor:
        query, count = query.where(ENTRIES.c.actor == actor), count.where(ENTRIES.c.actor == actor)
    if action:
        query = query.where(ENTRIES.c.action.startswith(action, autoescape=True))
        count = count.where(ENTRIES.c.action.startswith(action, autoescape=True))
    if position:
        query = query.where(ENTRIES.c.seq < int(position[0]))
    with ctx.store.engine.connect() as conn:
        rows = [Entry(*r) for r in conn.execute(query.order_by(ENTRIES.c.seq.desc()).limit(n + 1))]
        total = conn.execute(count).scalar_one()
    more = len(rows) > n
    rows = rows[:n]
    token = ctx.pager.encode("audit", scope, [rows[-1].seq]) if more else None
    return Page[EntryOut](items=[EntryOut(**e.to_json()) for e in rows], next_page_token=token, total=int(total))


@router.get("/entries/{seq}", response_model=InclusionOut, summary="One entry with its inclusion proof")
def prove_entry(seq: int, ctx: Context = Depends(context), who: Identity = Depends(caller)) -> InclusionOut:
    from secplan.ledger import inclusion_proof

    _auditor(ctx, who)
    return InclusionOut(**inclusion_proof(ctx.store, seq).to_json())


@router.get("/checkpoint", response_model=HeadOut, summary="The newest signed checkpoint and the public key")
def checkpoint(ctx: Context = Depends(context), who: Identity = Depends(caller)) -> HeadOut:
    from secplan.ledger.proof import signed_head
    from secplan.ledger.signing import public_hex

    _auditor(ctx, who)
    public, head = signed_head(ctx.store)
    return HeadOut(public_key=public_hex(public), checkpoint=head.to_json() if head else None)


@router.get("/checkpoints", response_model=Page[CheckpointOut], summary="Signed checkpoints, newest first")
def list_checkpoints(page_token: str | None = None, size: int | None = Query(None, alias="page_size"),
                     ctx: Context = Depends(context), who: Identity = Depends(caller)) -> Page[CheckpointOut]:
    """Every signed tree head the ledger wrote (C2SP signed notes): an auditor keeps one and later
    asks for the consistency proof from its size."""
    from sqlalchemy import func

    from secplan.ledger.records import CHECKPOINTS
    from secplan.ledger.signing import Checkpoint

    _auditor(ctx, who)
    n = page_size(size)
    position = ctx.pager.decode("checkpoints", {}, page_token)
    c = CHECKPOINTS.c
    query = (select(c.tree_size, c.root_hash, c.ts, c.key_id, c.signature, c.note)
             .order_by(c.tree_size.desc()).limit(n + 1))
    if position:
        query = query.where(c.tree_size < int(position[0]))
    with ctx.store.engine.connect() as conn:
        rows = [Checkpoint(int(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in conn.execute(query)]
        total = conn.execute(select(func.count()).select_from(CHECKPOINTS)).scalar_one()
    more = len(rows) > n
    rows = rows[:n]
    token = ctx.pager.encode("checkpoints", {}, [rows[-1].tree_size]) if more else None
    return Page[CheckpointOut](items=[CheckpointOut(**c.to_json()) for c in rows], next_page_token=token,
                               total=int(total))


@router.get("/consistency", response_model=ConsistencyOut,
            summary="Proof that the ledger at an earlier size is a prefix of the newest checkpoint's")
def consistency(old_size: int = Query(..., ge=1), ctx: Context = Depends(context),
                who: Identity = Depends(caller)) -> ConsistencyOut:
    from secplan.ledger import consistency_proof

    _auditor(ctx, who)
    try:
        return ConsistencyOut(**consistency_proof(ctx.store, old_size).to_json())
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
