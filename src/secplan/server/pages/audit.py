"""The audit ledger (CS-4) in the browser: browse entries, verify the whole ledger, and prove one
entry: its inclusion proof against the newest signed checkpoint, checked here with the ledger's
public key, shown in full so an auditor can check it again offline (``secplan audit verify-proof``).
Reading the ledger needs ``read`` on ``ledger`` in the server's own project, as for the API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from secplan.server.pages.web import PageRoute, person, render

router = APIRouter(prefix="/ui", route_class=PageRoute, include_in_schema=False)
PAGE = 50


@router.get("/audit")
def entries(request: Request, actor: str = "", action: str = "", page: str = "") -> Response:
    from secplan.server.routers.audit import list_entries

    ctx, who, csrf = person(request)
    found = list_entries(actor=actor.strip() or None, action=action.strip() or None, page_token=page or None,
                         size=PAGE, ctx=ctx, who=who)
    from urllib.parse import urlencode

    base = {k: v for k, v in (("actor", actor.strip()), ("action", action.strip())) if v}
    next_href = "/ui/audit?" + urlencode({**base, "page": found.next_page_token}) if found.next_page_token else None
    return render(request, "audit.html.j2", who=who, csrf=csrf, entries=found.items, total=found.total,
                  actor=actor, action=action, next_href=next_href,
                  first_href=("/ui/audit?" + urlencode(base)) if page else None, report=None)


@router.get("/audit/verify")
def verify(request: Request) -> Response:
    from secplan.ledger import verify as verify_ledger
    from secplan.server.auth import allow

    ctx, who, csrf = person(request)
    allow(ctx, who, "read", "ledger", ctx.home)
    report = verify_ledger(ctx.store)
    return render(request, "verify.html.j2", who=who, csrf=csrf, report=report)


@router.get("/audit/entries/{seq}")
def prove(request: Request, seq: int) -> Response:
    from secplan.ledger import inclusion_proof, verify_proof
    from secplan.ledger.proof import signed_head
    from secplan.ledger.signing import public_hex
    from secplan.server.auth import allow

    ctx, who, csrf = person(request)
    allow(ctx, who, "read", "ledger", ctx.home)
    public, _ = signed_head(ctx.store)
    proof = inclusion_proof(ctx.store, seq)
    checked = verify_proof(proof, public) and proof.public_key == public_hex(public)
    return render(request, "proof.html.j2", who=who, csrf=csrf, proof=proof.to_json(), checked=checked,
                  public_key=public_hex(public))
