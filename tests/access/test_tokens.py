"""API tokens: scopes per project, expiry, revocation by id or by the token, hashed at rest, never echoed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from secplan import access
from secplan.access.records import Token
from secplan.cli.app import main
from secplan.errors import InputError, PermissionDenied
from secplan.human import accounts
from secplan.ledger.query import find
from secplan.projects import Project, project_of
from secplan.store.db import Store

OTHER = Project("00000000-0000-4000-8000-000000000002", "other-project")


def secret_of(token: str) -> str:
    return token.split("_", 2)[2]


def mistyped(token: str) -> list[str]:
    """What a user gets wrong when pasting a token."""
    return [token[:-1] + ("A" if token[-1] != "A" else "B"), token[:-5], token.replace("spt_", "spt-", 1),
            token[4:], " " + token + "x", token.upper()]


def test_identity_from_token_is_the_tokens_user_and_project(store: Store, team) -> None:
    identity = access.identity_from_token(store, team["alice"])
    assert (identity.name, identity.via, identity.roles, identity.scope) == ("alice", "token", ("engineer",), "admin")
    assert identity.project == project_of(store)
    assert access.identity_from_token(store, team["alice"], project=project_of(store)) == identity
    with pytest.raises(PermissionDenied, match="is for project"):
        access.identity_from_token(store, team["alice"], project=OTHER)


@pytest.mark.parametrize("scope, allowed", [
    ("read", {"read", "infer"}),
    ("write", {"read", "infer", "write", "decrypt", "approve"}),
    ("admin", {"read", "infer", "write", "decrypt", "approve", "administer"}),
])
def test_a_scope_caps_what_the_roles_allow(store: Store, team, denials, scope: str, allowed: set[str]) -> None:
    token = accounts.create_token(store, "erin", scope=scope).token  # erin is admin: roles allow everything
    erin = access.identity_from_token(store, token)
    got = {a for a in access.ACTIONS if access.authorize(store, erin, a, "dataset:x")}
    assert got == allowed
    if scope != "admin":
        assert json.loads(denials()[-1].details)["reason"] == (
            f"the token's scope {scope!r} does not allow 'administer'")


def test_default_scope_is_write_and_a_bad_scope_is_refused(store: Store, team) -> None:
    issued = accounts.create_token(store, "erin")
    assert issued.scope == "write"
    with pytest.raises(PermissionDenied, match="scope 'write' does not allow 'administer'"):
        access.require(store, "administer", "user", token=issued.token)
    with pytest.raises(InputError, match="--scope 'root'"):
        accounts.create_token(store, "erin", scope="root")


def test_a_scope_never_adds_to_the_roles(store: Store, team) -> None:
    carol = access.identity_from_token(store, accounts.create_token(store, "carol", scope="admin").token)
    assert not access.authorize(store, carol, "write", "model")


def test_expired_token_is_refused_at_its_expiry(store: Store, team) -> None:
    issued = accounts.create_token(store, "bob", expires=dt.date.today() + dt.timedelta(days=2))
    assert access.identity_from_token(store, issued.token, now=issued.expires_at - dt.timedelta(seconds=1))
    with pytest.raises(PermissionDenied, match="expired"):
        access.identity_from_token(store, issued.token, now=issued.expires_at)


def test_revoke_by_the_token_itself_never_prints_it(store: Store, team, project_dir, capsys) -> None:
    token = team["dave"]
    with pytest.raises(SystemExit) as info:
        main(["tokens", "revoke", token, "--root", str(project_dir)])
    out, err = capsys.readouterr()
    assert info.value.code == 0 and f"revoked token {token.split('_')[1]}" in err
    assert secret_of(token) not in out + err
    with pytest.raises(PermissionDenied, match="revoked"):
        access.identity_from_token(store, token)
    assert secret_of(token) not in "".join(e.details + e.object for e in find(store))


def test_revoke_by_id_and_a_known_id_with_a_wrong_secret(store: Store, team) -> None:
    token_id = team["bob"].split("_")[1]
    forged = f"spt_{token_id}_{'A' * 43}"
    with pytest.raises(InputError) as info:  # knowing the id is not knowing the token
        accounts.revoke_token(store, forged)
    assert "A" * 20 not in info.value.message and token_id in info.value.message
    assert accounts.revoke_token(store, token_id) == token_id
    assert [t["state"] for t in accounts.list_tokens(store) if t["id"] == token_id] == ["revoked"]


def test_a_mistyped_token_is_never_echoed(store: Store, team, project_dir, capsys, monkeypatch) -> None:
    token = team["alice"]
    secret = secret_of(token)
    for wrong in mistyped(token):
        with pytest.raises(SystemExit) as info:
            main(["tokens", "revoke", wrong, "--root", str(project_dir)])
        out, err = capsys.readouterr()
        assert info.value.code == 2, err
        assert secret[:12] not in out + err and secret[-12:] not in out + err and "Traceback" not in err
        monkeypatch.setenv("SECPLAN_TOKEN", wrong)
        with pytest.raises(PermissionDenied) as denied:
            access.require(store, "read", "model")
        monkeypatch.delenv("SECPLAN_TOKEN")
        with pytest.raises(PermissionDenied) as bearer:
            access.identity_from_token(store, wrong)
        for message in (denied.value.message, bearer.value.message):
            assert secret[:12] not in message and secret[-12:] not in message
    ledger = "".join(e.details + e.object + e.actor for e in find(store))
    assert secret[:12] not in ledger and secret[-12:] not in ledger


def test_token_rows_hold_a_hash_a_scope_and_the_project(store: Store, team) -> None:
    issued = accounts.create_token(store, "mia", scope="read", roles=["model-client"])
    with store.session() as session:
        row = session.scalars(select(Token).where(Token.token_id == issued.token_id)).one()
    assert row.secret_hash.startswith("$argon2id$") and secret_of(issued.token) not in row.secret_hash
    assert (row.scope, row.roles, row.project_id) == ("read", ["model-client"], project_of(store).id)
    mia = access.identity_from_token(store, issued.token)
    assert access.authorize(store, mia, "infer", "model:fraud")
    assert not access.authorize(store, mia, "write", "model:fraud")


def test_tokens_cli_create_shows_the_scope(store: Store, team, project_dir, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["tokens", "create", "mia", "--scope", "read", "--format", "json", "--root", str(project_dir)])
    out, _ = capsys.readouterr()
    created = json.loads(out)
    assert info.value.code == 0 and created["scope"] == "read"
    with pytest.raises(SystemExit) as info:
        main(["tokens", "list", "--format", "json", "--root", str(project_dir)])
    out, _ = capsys.readouterr()
    assert created["token"] not in out and {"id": created["id"], "scope": "read"}.items() <= next(
        t for t in json.loads(out) if t["id"] == created["id"]).items()
    with pytest.raises(SystemExit) as info:
        main(["tokens", "create", "mia", "--scope", "everything", "--root", str(project_dir)])
    assert info.value.code == 2 and "--scope 'everything'" in capsys.readouterr().err
