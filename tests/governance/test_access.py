"""Access control: each role can do what it should and nothing more; escalations are denied and recorded."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from sqlalchemy import update

from secplan.access.authn import Identity
from secplan.errors import InputError, PermissionDenied
from secplan.human import accounts, approvals, rbac
from secplan.human.access import can, current_identity, require
from secplan.human.records import Token
from secplan.identity import current_actor
from secplan.ledger.query import find
from secplan.projects import Project
from secplan.store.db import Store

ML_KINDS = {"dataset", "model", "code", "notebook", "dependencies", "infrastructure", "service", "document",
            "encrypted", "assessment", "incident", "approval"}
SECURITY_KINDS = {"person", "vendor", "incident", "attestation", "assessment", "approval", "key", "report"}


def expected(role: str, kind: str, action: str) -> bool:
    """The permission matrix, written out as the specification (docs/governance.md)."""
    if role == "model-client":
        return kind == "model" and action in {"read", "infer"}
    if action == "read":
        return True
    if role == "admin":
        return True
    if role == "engineer":
        return (action == "write" and kind in ML_KINDS) or (action == "infer" and kind == "model")
    if role == "data-steward":
        return (kind in {"dataset", "encrypted", "document"} and action in {"write", "decrypt", "approve"}) or (
            action == "write" and kind in {"vendor", "approval"})
    if role == "security-officer":
        return action == "approve" or (action == "write" and kind in SECURITY_KINDS) or (
            action == "administer" and kind == "ledger")
    return False  # viewer


OTHER = Project("00000000-0000-4000-8000-000000000002", "other-project")
USERS = {"engineer": "alice", "security-officer": "bob", "viewer": "carol", "data-steward": "dave", "admin": "erin",
         "model-client": "mia"}


def test_each_role_can_exactly_what_it_should(store: Store, act_as) -> None:
    wrong = []
    for role in sorted(rbac.BUILTIN_ROLES):
        act_as(USERS[role])
        identity = current_identity(store)
        assert identity.name == USERS[role] and identity.roles == (role,) and identity.via == "token"
        wrong += [(role, kind, action) for kind in rbac.KINDS for action in rbac.ACTIONS
                  if can(store, identity, action, f"{kind}:x") != expected(role, kind, action)]
    assert wrong == []


def test_denial_exits_3_names_permission_and_is_in_ledger(store: Store, denials, act_as) -> None:
    act_as("carol")
    with pytest.raises(PermissionDenied) as info:
        require(store, "decrypt", "dataset:data/train.csv")
    assert info.value.exit_code == 3
    assert "'decrypt' on 'dataset'" in info.value.message
    entry = denials()[-1]
    assert entry.actor == "carol" and entry.object == "dataset:data/train.csv"
    assert json.loads(entry.details)["action"] == "decrypt"


def test_ledger_names_the_token_user(store: Store, act_as) -> None:
    act_as("bob")
    require(store, "write", "vendor")
    assert current_actor() == "bob"


def test_a_server_passes_the_bearer_token(store: Store, team) -> None:
    assert require(store, "approve", "model", token=team["bob"]).name == "bob"
    with pytest.raises(PermissionDenied):
        require(store, "approve", "model", token=team["carol"])


def test_cannot_grant_oneself_a_role_even_as_admin(store: Store, denials, act_as) -> None:
    act_as("erin")
    with pytest.raises(PermissionDenied, match="yourself"):
        accounts.grant_role(store, "erin", "security-officer")
    act_as("alice")
    with pytest.raises(PermissionDenied, match="'administer' on 'role'"):
        accounts.grant_role(store, "alice", "admin")
    actors = [e.actor for e in denials()]
    assert actors[-2:] == ["erin", "alice"]
    act_as(None)
    assert "admin" not in next(u for u in accounts.list_users(store) if u["name"] == "alice")["roles"]


def test_cannot_approve_own_sensitive_request(store: Store, denials, act_as) -> None:
    act_as("bob")
    request_id = approvals.request(store, "model.promote", "model:fraud@3", "release")
    with pytest.raises(PermissionDenied, match="two-person rule"):
        approvals.decide(store, request_id)
    assert denials()[-1].object == f"approval:{request_id}"
    act_as("alice")  # an engineer may promote a model, but only with a second person's approval
    with pytest.raises(PermissionDenied, match="needs an approved request"):
        approvals.require_approval(store, "model.promote", "model:fraud@3")
    act_as("erin")
    assert approvals.decide(store, request_id)["decided_by"] == "erin"
    act_as("alice")
    assert approvals.require_approval(store, "model.promote", "model:fraud@3") == request_id
    with pytest.raises(PermissionDenied):  # an approval is used once
        approvals.require_approval(store, "model.promote", "model:fraud@3")


def test_non_sensitive_action_needs_no_approval(store: Store, act_as) -> None:
    act_as("alice")
    assert approvals.require_approval(store, "model.register", "model:fraud@3") is None


def test_revoked_token_is_denied_and_recorded(store: Store, denials, act_as, team) -> None:
    act_as(None)
    token_id = team["carol"].split("_")[1]
    accounts.revoke_token(store, token_id)
    act_as("carol")
    with pytest.raises(PermissionDenied, match="revoked"):
        require(store, "read", "model")
    assert json.loads(denials()[-1].details)["reason"] == "revoked token"


def test_expired_token_is_denied_and_recorded(store: Store, denials, act_as, team) -> None:
    token_id = team["alice"].split("_")[1]
    with store.session() as session:
        session.execute(update(Token).where(Token.token_id == token_id)
                        .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    act_as("alice")
    with pytest.raises(PermissionDenied, match="expired"):
        require(store, "read", "model")
    assert denials()[-1].object == "token"


def test_wrong_secret_and_malformed_token_are_denied(store: Store, denials, act_as, team, monkeypatch) -> None:
    monkeypatch.setenv("SECPLAN_TOKEN", team["alice"][:-4] + "AAAA")
    with pytest.raises(PermissionDenied, match="wrong secret"):
        require(store, "read", "model")
    monkeypatch.setenv("SECPLAN_TOKEN", "not-a-token")
    with pytest.raises(PermissionDenied, match="malformed"):
        require(store, "read", "model")
    assert team["alice"][-20:] not in "".join(e.details for e in denials())


def test_token_of_another_project_is_denied(store: Store, denials, act_as) -> None:
    act_as("erin")
    with pytest.raises(PermissionDenied, match="for project"):
        require(store, "read", "model", project=OTHER)
    assert json.loads(denials()[-1].details)["project_id"] == OTHER.id


def test_roles_in_another_project_do_not_apply(store: Store, act_as) -> None:
    act_as(None)
    accounts.add_user(store, "frank")
    with store.session() as session:
        from secplan.human.records import Grant

        session.add(Grant(user_name="frank", role="admin", project_id=OTHER.id, granted_by="test"))
    token = accounts.create_token(store, "frank").token
    os.environ["SECPLAN_TOKEN"] = token
    try:
        with pytest.raises(PermissionDenied, match="roles: none"):
            require(store, "read", "model")
    finally:
        del os.environ["SECPLAN_TOKEN"]


def test_token_cannot_carry_roles_its_user_lacks(store: Store, denials, act_as) -> None:
    act_as(None)
    with pytest.raises(PermissionDenied, match="does not hold"):
        accounts.create_token(store, "carol", roles=["admin"])
    assert denials()[-1].object == "token:carol"


def test_scoped_token_uses_only_its_roles(store: Store, act_as, monkeypatch) -> None:
    act_as(None)
    accounts.grant_role(store, "alice", "viewer")
    scoped = accounts.create_token(store, "alice", roles=["viewer"]).token
    monkeypatch.setenv("SECPLAN_TOKEN", scoped)
    assert current_identity(store).roles == ("viewer",)
    with pytest.raises(PermissionDenied):
        require(store, "write", "model")


def test_disabled_user_loses_access_at_once(store: Store, act_as) -> None:
    act_as(None)
    accounts.disable_user(store, "bob")
    act_as("bob")
    with pytest.raises(PermissionDenied, match="disabled"):
        require(store, "read", "vendor")


def test_revoking_a_role_takes_effect(store: Store, act_as) -> None:
    act_as(None)
    accounts.revoke_role(store, "alice", "engineer")
    act_as("alice")
    with pytest.raises(PermissionDenied):
        require(store, "read", "model")
    roles_entries = [e.action for e in find(store, action="roles.")]
    assert roles_entries.count("roles.revoke") == 1


def test_custom_role(store: Store, act_as) -> None:
    act_as(None)
    accounts.define_role(store, "auditor", ["read:*", "administer:ledger"])
    accounts.grant_role(store, "carol", "auditor")
    act_as("carol")
    assert require(store, "administer", "ledger").roles == ("auditor", "viewer")
    with pytest.raises(PermissionDenied):
        require(store, "write", "ledger")
    act_as(None)
    with pytest.raises(InputError, match="unknown action"):
        accounts.define_role(store, "bad", ["fly:model"])


def test_non_owner_os_user_has_only_granted_roles(store: Store) -> None:
    os.chown(store.home, 65534, 65534)
    try:
        identity = current_identity(store)
        assert identity.via == "os-user" and identity.roles == ()
        with pytest.raises(PermissionDenied):
            require(store, "read", "model")
    finally:
        os.chown(store.home, os.getuid(), os.getgid())


def test_local_owner_is_admin(store: Store) -> None:
    identity = require(store, "administer", "user")
    assert identity.is_local_owner and identity.roles == ("admin",)


def test_token_expiry_limits(store: Store) -> None:
    accounts.add_user(store, "gus")
    with pytest.raises(InputError, match="past"):
        accounts.create_token(store, "gus", expires=dt.date.today() - dt.timedelta(days=1))
    with pytest.raises(InputError, match="at most"):
        accounts.create_token(store, "gus", expires=dt.date.today() + dt.timedelta(days=800))


def test_token_is_stored_hashed_only(store: Store) -> None:
    accounts.add_user(store, "hal")
    issued = accounts.create_token(store, "hal")
    secret = issued.token.split("_", 2)[2]
    with store.session() as session:
        row = session.query(Token).filter_by(token_id=issued.token_id).one()
    assert secret not in row.secret_hash and row.secret_hash.startswith("$argon2")
    assert secret not in "".join(e.details for e in find(store))


def test_granting_restricted_data_access_needs_a_second_person(store: Store, act_as, denials) -> None:
    act_as(None)
    accounts.add_user(store, "ivy")
    act_as("erin")
    with pytest.raises(PermissionDenied, match="needs an approved request"):
        accounts.grant_role(store, "ivy", "data-steward")
    assert denials()[-1].object == "user:ivy:role:data-steward"
    request_id = approvals.request(store, "access.grant.restricted", "user:ivy:role:data-steward")
    act_as("bob")
    approvals.decide(store, request_id)
    act_as("erin")
    accounts.grant_role(store, "ivy", "data-steward")
    accounts.grant_role(store, "ivy", "viewer")  # no restricted data: no approval needed
    act_as(None)
    assert next(u for u in accounts.list_users(store) if u["name"] == "ivy")["roles"] == ["data-steward", "viewer"]


def test_require_at_a_project_root(store: Store, project_dir, act_as) -> None:
    from secplan.human.access import require_at

    act_as("dave")
    assert require_at(project_dir, "decrypt", "encrypted:data/train.csv.enc").name == "dave"
    act_as("alice")
    with pytest.raises(PermissionDenied, match="'decrypt' on 'encrypted'"):
        require_at(project_dir, "decrypt", "encrypted:data/train.csv.enc")


def test_require_at_without_a_store(tmp_path, monkeypatch) -> None:
    from secplan.human.access import require_at

    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    assert require_at(tmp_path, "decrypt", "encrypted").is_local_owner
    assert not (tmp_path / ".secplan").exists()
    monkeypatch.setenv("SECPLAN_TOKEN", "spt_0123_abc")
    with pytest.raises(PermissionDenied, match="no secplan store"):
        require_at(tmp_path, "decrypt", "encrypted")


def test_widening_a_held_role_to_restricted_data_needs_a_second_person(store: Store, act_as, denials) -> None:
    """Redefining a role someone holds so that it decrypts datasets is a grant in disguise."""
    act_as(None)
    project = current_identity(store).project
    kim = Identity("kim", project, (), "os-user")
    accounts.define_role(store, "analyst", ["read:dataset"])
    accounts.add_user(store, "kim")
    accounts.grant_role(store, "kim", "analyst")
    act_as("erin")
    widened = ["read:dataset", "decrypt:dataset"]
    with pytest.raises(PermissionDenied, match="needs an approved request"):
        accounts.define_role(store, "analyst", widened)
    target = accounts.widening_target("analyst", [("dataset", "read"), ("dataset", "decrypt")])
    assert denials()[-1].object == target
    assert not can(store, kim, "decrypt", "dataset")
    request_id = approvals.request(store, "access.grant.restricted", target)
    act_as("bob")
    approvals.decide(store, request_id)
    act_as("erin")
    assert accounts.define_role(store, "analyst", widened) == request_id
    assert can(store, kim, "decrypt", "dataset")
    accounts.define_role(store, "analyst", ["read:dataset"])  # narrowing needs nobody
    with pytest.raises(PermissionDenied, match="needs an approved request"):  # the approval was used once
        accounts.define_role(store, "analyst", widened)
    with pytest.raises(PermissionDenied, match="needs an approved request"):  # any restricted kind counts
        accounts.define_role(store, "analyst", ["decrypt:encrypted"])
    assert accounts.define_role(store, "unheld", ["decrypt:dataset"]) is None  # nobody holds it: nothing widens
