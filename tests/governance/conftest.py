"""Governance test helpers: users with roles and tokens, and acting as one of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from secplan.human import accounts
from secplan.ledger.query import find
from secplan.store.db import Store
from tests.crypto.conftest import softhsm  # noqa: F401  (the SoftHSM2 token fixture)


@pytest.fixture
def team(store: Store) -> dict[str, str]:
    """Users alice (engineer), bob (security-officer), carol (viewer), dave (data-steward), erin (admin),
    mia (model-client), each with a token (scope ``admin``, so that roles alone decide); created by the
    local owner (admin in local single-user mode)."""
    roles = {"alice": "engineer", "bob": "security-officer", "carol": "viewer", "dave": "data-steward",
             "erin": "admin", "mia": "model-client"}
    tokens = {}
    for user, role in roles.items():
        accounts.add_user(store, user)
        accounts.grant_role(store, user, role)
        tokens[user] = accounts.create_token(store, user, expires=dt.date.today() + dt.timedelta(days=30),
                                              scope="admin").token
    return tokens


@pytest.fixture
def act_as(monkeypatch: pytest.MonkeyPatch, team: dict[str, str]) -> Callable[[str | None], None]:
    """Switch the acting identity: a team member's token, or None for the local owner."""

    def switch(user: str | None) -> None:
        if user is None:
            monkeypatch.delenv("SECPLAN_TOKEN", raising=False)
        else:
            monkeypatch.setenv("SECPLAN_TOKEN", team[user])

    return switch


@pytest.fixture
def denials(store: Store) -> Callable[[], list]:
    """The ledger's denial entries, oldest first."""
    return lambda: [e for e in find(store, action="access.deny") if e.outcome == "denied"]
