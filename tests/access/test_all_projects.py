"""Tokens for several projects (the server's portfolio): an all-projects token acts in each project
with its user's roles there, never further; a plain token stays in its project; and only the user
or the store's owner may create one."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from secplan import access
from secplan.access.records import Grant
from secplan.errors import PermissionDenied
from secplan.human import accounts
from secplan.projects import Project, ProjectRow
from secplan.store.db import Store

OTHER = Project("00000000-0000-4000-8000-0000000000b2", "other")
SOON = dt.date.today() + dt.timedelta(days=3)


@pytest.fixture
def other(store: Store) -> Project:
    """A second project in the same store, where carol is an engineer and alice holds nothing."""
    with store.session() as session:
        session.add(ProjectRow(id=OTHER.id, name=OTHER.name))
        session.add(Grant(user_name="carol", role="engineer", project_id=OTHER.id, granted_by="test"))
    access.invalidate(store)
    return OTHER


def test_an_all_projects_token_uses_its_users_roles_in_each_project(store: Store, team, other) -> None:
    token = accounts.create_token(store, "carol", scope="write", expires=SOON, all_projects=True).token
    carol = access.identity_from_token(store, token)
    assert carol.all_projects and carol.roles == ("viewer",)
    there = access.for_project(store, carol, other)
    assert there.project == other and there.roles == ("engineer",)
    assert access.authorize(store, carol, "write", "model", other)  # engineer there
    assert not access.authorize(store, carol, "write", "model")      # viewer here
    assert access.identity_from_token(store, token, project=other).roles == ("engineer",)


def test_the_token_limits_still_hold_in_other_projects(store: Store, team, other) -> None:
    token = accounts.create_token(store, "carol", scope="read", expires=SOON, all_projects=True).token
    carol = access.identity_from_token(store, token)
    decision = access.authorize(store, carol, "write", "model", other)
    assert not decision and "scope 'read'" in decision.reason
    limited = accounts.create_token(store, "carol", roles=["viewer"], expires=SOON, all_projects=True).token
    viewer_only = access.for_project(store, access.identity_from_token(store, limited), other)
    assert viewer_only.roles == ()  # she is no viewer there, and the token may use nothing else


def test_a_plain_token_stays_in_its_project_and_the_refusal_is_ledgered(store: Store, team, other, denials) -> None:
    alice = access.identity_from_token(store, team["alice"])
    with pytest.raises(PermissionDenied, match="token is for project"):
        access.for_project(store, alice, other)
    assert not access.authorize(store, alice, "read", "model", other)
    details = [json.loads(e.details) for e in denials() if e.actor == "alice"]
    assert [d["project_id"] for d in details] == [other.id, other.id]


def test_only_the_user_or_the_stores_owner_may_create_one(store: Store, team: dict[str, str], act_as,
                                                          denials) -> None:
    act_as("erin")  # an administrator of this project
    with pytest.raises(PermissionDenied, match="all-projects token"):
        accounts.create_token(store, "carol", expires=SOON, all_projects=True)
    assert any(e.actor == "erin" and "all-projects" in json.loads(e.details)["reason"] for e in denials())
    assert not accounts.create_token(store, "carol", expires=SOON).all_projects  # a plain one she may
    act_as(None)  # the local owner
    issued = accounts.create_token(store, "carol", expires=SOON, all_projects=True)
    assert issued.all_projects
    listed = {t["id"]: t["all_projects"] for t in accounts.list_tokens(store)}
    assert listed[issued.token_id] is True and listed[team["alice"].split("_")[1]] is False
