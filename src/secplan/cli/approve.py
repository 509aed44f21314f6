"""``secplan request`` and ``secplan approve``: the two-person rule for sensitive actions (HS-4)."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import Format, FormatOption, RootOption, emit, err_console, simple_table

request = typer.Typer(help="Ask for approval of a sensitive action (two-person rule).", no_args_is_help=True)


@request.command("create")
def create(action: str = typer.Argument(..., help="For example model.promote, access.grant.restricted, data.delete."),
           target: str = typer.Argument(..., help="What it applies to, as kind:name (model:fraud@3)."),
           reason: str = typer.Option("", "--reason"), root: Path = RootOption) -> None:
    """Request approval; a second person approves with `secplan approve ID`."""
    from secplan.cli._gov import open_store
    from secplan.human.approvals import request as make_request

    request_id = make_request(open_store(root), action, target, reason)
    err_console.print(f"request {request_id} is waiting for approval by a second person")
    typer.echo(request_id)


@request.command("list")
def list_(fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Requests and their decisions."""
    from secplan.cli._gov import open_store
    from secplan.human.approvals import list_requests

    rows = list_requests(open_store(root))
    emit(rows, fmt, lambda: simple_table(
        "requests", ["id", "action", "target", "requester", "state", "decided by", "used"],
        [[r["id"], r["action"], r["target"], r["requester"], r["state"], r["decided_by"], r["used_at"] or ""]
         for r in rows]))


def approve_command(request_id: int = typer.Argument(..., metavar="REQUEST"),
                    reject: bool = typer.Option(False, "--reject", help="Reject instead of approving."),
                    fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Approve (or reject) a request. The requester cannot approve their own sensitive request."""
    from secplan.cli._gov import open_store
    from secplan.human.approvals import decide

    result = decide(open_store(root), request_id, approve=not reject)
    if str(fmt) == Format.JSON:
        emit(result, fmt)
    else:
        err_console.print(f"request {request_id} {result['state']} by {result['decided_by']}")


def register(app: typer.Typer) -> None:
    app.add_typer(request, name="request")
    app.command("approve")(approve_command)
