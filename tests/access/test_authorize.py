"""authorize(): the policy as data, decided in memory from a cached policy, every denial ledgered."""

from __future__ import annotations

import json
import threading
import time

import pytest

from secplan import access
from secplan.access import cache
from secplan.access.policy import ACTIONS, BUILTIN_ROLES, KINDS, Policy, casbin_enforcer
from secplan.access.records import Grant
from secplan.errors import PermissionDenied
from secplan.human import accounts
from secplan.ledger.query import find
from secplan.projects import Project, project_of
from secplan.store.db import Store

OTHER = Project("00000000-0000-4000-8000-000000000002", "other-project")


def test_in_memory_decisions_agree_with_pycasbin_on_every_question() -> None:
    roles = dict(BUILTIN_ROLES) | {"auditor": (("*", "read"), ("ledger", "administer")),
                                   "decrypter": (("dataset", "decrypt"),)}
    users = [f"u{n}" for n in range(len(roles) + 2)]
    grants = [(user, role, project) for n, user in enumerate(users) for project in ("p1", "p2")
              for role in list(roles)[n % len(roles): n % len(roles) + 1 + (project == "p2")]]
    policy = Policy.build(roles, grants, disabled=["u1"])
    enforcer = casbin_enforcer(policy)
    differ = [(u, p, k, a) for u in users for p in ("p1", "p2", "p3") for k in KINDS for a in ACTIONS
              if policy.allows(policy.roles_of(u, p), k, a) != enforcer.enforce(f"user:{u}", p, k, a)]
    assert differ == []
    assert policy.roles_of("u1", "p1") == ()  # disabled: no roles anywhere
    assert any(policy.allows(policy.roles_of(u, "p2"), "dataset", "decrypt") for u in users)


def test_authorize_returns_a_decision_and_ledgers_only_denials(store: Store, act_as, denials) -> None:
    act_as("carol")
    carol = access.current_identity(store)
    before = len(find(store))
    allowed = access.authorize(store, carol, "read", "model:fraud")
    assert allowed and allowed.reason == "" and allowed.roles == ("viewer",)
    assert len(find(store)) == before  # an allowed decision writes nothing
    denied = access.authorize(store, carol, "write", "model:fraud")
    assert not denied and denied.reason == "missing permission 'write' on 'model'"
    entry = denials()[-1]
    assert entry.actor == "carol" and entry.object == "model:fraud"
    assert json.loads(entry.details)["reason"] == denied.reason
    assert "carol may not write model:fraud" in denied.message


def test_model_client_may_call_infer_on_models_only(store: Store, act_as) -> None:
    act_as("mia")
    mia = access.current_identity(store)
    assert access.authorize(store, mia, "infer", "model:fraud")
    assert access.authorize(store, mia, "read", "model:fraud")
    for action, resource in (("write", "model:fraud"), ("read", "dataset:data/train.csv"), ("infer", "dataset")):
        assert not access.authorize(store, mia, action, resource)
    act_as("carol")  # a viewer reads, but does not call models
    assert not access.authorize(store, access.current_identity(store), "infer", "model:fraud")


def test_decisions_for_another_project_use_the_grants_there(store: Store, act_as) -> None:
    act_as("alice")
    alice = access.current_identity(store)
    decision = access.authorize(store, alice, "read", "model", OTHER)  # her token is for this project
    assert not decision and "token is for project" in decision.reason
    act_as(None)
    owner = access.current_identity(store)
    assert access.authorize(store, owner, "administer", "user")
    assert not access.authorize(store, owner, "read", "model", OTHER)  # owner of this store, not of OTHER
    with store.session() as session:
        session.add(Grant(user_name=owner.name, role="viewer", project_id=OTHER.id, granted_by="test"))
    access.invalidate(store)
    assert access.authorize(store, owner, "read", "model", OTHER)


def test_changes_through_accounts_apply_at_once(store: Store, act_as, team) -> None:
    act_as("carol")
    carol = access.current_identity(store)
    assert not access.can(store, carol, "write", "model")
    act_as(None)
    accounts.grant_role(store, "carol", "engineer")
    assert access.can(store, carol, "write", "model")  # the identity is not stale: roles are reread
    accounts.revoke_role(store, "carol", "engineer")
    assert not access.can(store, carol, "write", "model")
    accounts.disable_user(store, "carol")
    assert not access.can(store, carol, "read", "model")


def test_changes_from_another_process_apply_within_the_ttl(store: Store, act_as, monkeypatch) -> None:
    monkeypatch.setenv(cache.TTL_ENV, "0.3")
    act_as("carol")
    carol = access.current_identity(store)
    cache.invalidate(store)
    assert not access.can(store, carol, "write", "model")
    with store.session() as session:  # as another process would: nothing here invalidates
        session.add(Grant(user_name="carol", role="engineer", project_id=carol.project.id, granted_by="test"))
    assert not access.can(store, carol, "write", "model")  # cached
    time.sleep(0.35)
    assert access.can(store, carol, "write", "model")


def test_policy_is_read_once_while_warm(store: Store, act_as, monkeypatch) -> None:
    act_as("alice")
    alice = access.current_identity(store)
    loads = []
    real = cache.load
    monkeypatch.setattr(cache, "load", lambda s: loads.append(1) or real(s))
    cache.invalidate(store)
    for _ in range(500):
        assert access.authorize(store, alice, "write", "model:x")
    assert len(loads) == 1


def test_unknown_action_is_a_programming_error(store: Store) -> None:
    identity = access.current_identity(store)
    with pytest.raises(ValueError, match="unknown action"):
        access.authorize(store, identity, "fly", "model")


def test_bad_ttl_is_a_clear_error(store: Store, monkeypatch) -> None:
    from secplan.errors import InputError

    monkeypatch.setenv(cache.TTL_ENV, "soon")
    cache.invalidate(store)
    with pytest.raises(InputError, match="SECPLAN_POLICY_TTL"):
        cache.policy(store)


def test_acting_sets_the_caller_for_services_and_the_ledger(store: Store, team, denials) -> None:
    """A server thread per request: each runs its services as its own caller, not as the process."""
    identities = {user: access.identity_from_token(store, team[user]) for user in ("bob", "carol")}
    results: dict[str, object] = {}

    def serve(user: str) -> None:
        with access.acting(identities[user]):
            try:
                results[user] = access.require(store, "write", "vendor").name
            except PermissionDenied as exc:
                results[user] = exc.message

    threads = [threading.Thread(target=serve, args=(u,)) for u in identities]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["bob"] == "bob"
    assert "carol may not write vendor" in str(results["carol"])
    assert denials()[-1].actor == "carol"
    assert access.acting_identity() is None


def test_project_of_the_identity_is_the_stores(store: Store, act_as) -> None:
    act_as("dave")
    assert access.current_identity(store).project == project_of(store)
