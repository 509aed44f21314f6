"""Managing who may act: users, role grants, custom roles and tokens. Every change and every
refusal is in the ledger; a user can never widen their own access, and widening anyone's access to
restricted data (a grant, or a redefinition of a role they hold) needs a second person's approval.

The decisions themselves are :mod:`secplan.access`'s; this module changes what they are made from
and invalidates the process's cached policy after each change."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from secplan.access import cache, policy, tokens
from secplan.access.decide import deny, require
from secplan.access.records import CustomRole, Grant, Token, User
from secplan.errors import InputError
from secplan.human.audit import audit
from secplan.store.base import utcnow

if TYPE_CHECKING:
    from secplan.store.db import Store

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$")


def _check_name(what: str, name: str) -> str:
    if not _NAME.match(name):
        raise InputError(f"{what} {name!r}: use letters, digits and . _ @ + - (at most 200 characters)")
    return name


def role_definitions(store: Store) -> dict[str, tuple[tuple[str, str], ...]]:
    """Every role and its permissions, built-in and custom, as the access layer decides from them."""
    return {name: tuple(sorted(perms)) for name, perms in cache.load(store).roles.items()}


def _user(session, name: str) -> User:
    row = session.scalars(select(User).where(User.name == name)).first()
    if row is None:
        raise InputError(f"no user named {name!r} (add it with `secplan users add {name}`)")
    return row


def add_user(store: Store, name: str, email: str | None = None) -> dict[str, Any]:
    who = require(store, "administer", f"user:{name}")
    _check_name("user", name)
    with store.session() as session:
        if session.scalars(select(User).where(User.name == name)).first() is not None:
            raise InputError(f"user {name!r} already exists")
        session.add(User(name=name, email=email))
    audit(store, "users.add", f"user:{name}", {"project_id": who.project.id})
    return {"name": name, "email": email, "disabled": False}


def list_users(store: Store) -> list[dict[str, Any]]:
    who = require(store, "read", "user")
    with store.session() as session:
        users = session.scalars(select(User).order_by(User.name)).all()
        grants = session.scalars(select(Grant).where(Grant.project_id == who.project.id)).all()
    roles: dict[str, list[str]] = {}
    for g in grants:
        roles.setdefault(g.user_name, []).append(g.role)
    return [{"name": u.name, "email": u.email, "disabled": u.disabled, "roles": sorted(roles.get(u.name, []))}
            for u in users]


def disable_user(store: Store, name: str) -> None:
    """Disabling keeps the user's history; their tokens and grants stop working at once."""
    who = require(store, "administer", f"user:{name}")
    if name == who.name and not who.is_local_owner:
        raise deny(store, who, "administer", f"user:{name}", "cannot disable yourself")
    with store.session() as session:
        _user(session, name).disabled = True
    cache.invalidate(store)
    audit(store, "users.disable", f"user:{name}", {"project_id": who.project.id})


def grant_role(store: Store, user: str, role: str, *, project_id: str | None = None) -> None:
    who = require(store, "administer", f"role:{role}")
    project_id = project_id or who.project.id
    if role not in role_definitions(store):
        raise InputError(f"unknown role {role!r} (built-in: {', '.join(policy.BUILTIN_ROLES)})")
    if user == who.name and not who.is_local_owner:
        raise deny(store, who, "administer", f"role:{role}", "cannot grant a role to yourself")
    if project_id != who.project.id:
        raise deny(store, who, "administer", f"role:{role}", f"cannot grant roles in project id {project_id}")
    if not who.is_local_owner and _reaches_restricted(store, role):
        from secplan.human.approvals import require_approval

        require_approval(store, "access.grant.restricted", f"user:{user}:role:{role}")
    with store.session() as session:
        _user(session, user)
        exists = session.scalars(select(Grant).where(
            Grant.user_name == user, Grant.role == role, Grant.project_id == project_id)).first()
        if exists is None:
            session.add(Grant(user_name=user, role=role, project_id=project_id, granted_by=who.name))
    cache.invalidate(store)
    audit(store, "roles.grant", f"user:{user}", {"role": role, "project_id": project_id})


def _reaches_restricted(store: Store, role: str) -> bool:
    """A role that can decrypt datasets reaches restricted data: granting it is a sensitive action.
    (The local owner, alone in single-user mode, is the one exception: there is no second person.)"""
    return bool(policy.restricted(role_definitions(store)[role]))


def revoke_role(store: Store, user: str, role: str) -> None:
    who = require(store, "administer", f"role:{role}")
    with store.session() as session:
        row = session.scalars(select(Grant).where(
            Grant.user_name == user, Grant.role == role, Grant.project_id == who.project.id)).first()
        if row is None:
            raise InputError(f"{user!r} does not hold role {role!r} in project {who.project.name!r}")
        session.delete(row)
    cache.invalidate(store)
    audit(store, "roles.revoke", f"user:{user}", {"role": role, "project_id": who.project.id})


def list_roles(store: Store) -> list[dict[str, Any]]:
    require(store, "read", "role")
    return [{"role": name, "builtin": name in policy.BUILTIN_ROLES,
             "permissions": [f"{a}:{k}" for k, a in perms]}
            for name, perms in role_definitions(store).items()]


def define_role(store: Store, name: str, permissions: list[str], description: str = "") -> int | None:
    """A custom role; ``permissions`` as ``action:kind`` (``read:model``, ``approve:*``).

    Redefining a role that someone else holds so that it reaches restricted data (``decrypt`` on
    datasets) widens their access as a direct grant would, so it needs the same second-person
    approval: an approved ``access.grant.restricted`` request for target ``role:NAME:PERMISSIONS``
    (the new permissions, sorted, comma-separated), used once. Returns the approval used, if any."""
    who = require(store, "administer", f"role:{name}")
    _check_name("role", name)
    if name in policy.BUILTIN_ROLES:
        raise InputError(f"{name!r} is a built-in role and cannot be redefined")
    pairs = []
    for text in permissions:
        action, _, kind = text.partition(":")
        try:
            pairs.append(list(policy.check_permission((kind or "*", action))))
        except ValueError as exc:
            raise InputError(f"--permission {text!r}: {exc}") from None
    current = cache.load(store)
    added = policy.widens_restricted(current.roles.get(name, ()), [(k, a) for k, a in pairs])
    holders = [user for _, user in current.holders(name)]
    approval = None
    if added and holders and not who.is_local_owner:
        from secplan.human.approvals import require_approval

        approval = require_approval(store, "access.grant.restricted", widening_target(name, pairs))
    with store.session() as session:
        row = session.get(CustomRole, name)
        if row is None:
            session.add(CustomRole(name=name, description=description, permissions=pairs))
        else:
            row.permissions, row.description = pairs, description
    cache.invalidate(store)
    details: dict[str, Any] = {"permissions": permissions, "project_id": who.project.id}
    if added:
        details.update(widens=sorted(f"{a}:{k}" for k, a in added), holders=sorted(set(holders)),
                       approval=approval)
    audit(store, "roles.define", f"role:{name}", details)
    return approval


def widening_target(name: str, pairs: list[list[str]] | list[tuple[str, str]]) -> str:
    """The approval target naming a role and exactly the permissions it is being given."""
    return f"role:{name}:" + ",".join(sorted({f"{a}:{k}" for k, a in pairs}))


def create_token(store: Store, user: str, *, roles: list[str] | None = None,
                 expires: dt.date | None = None, scope: str = tokens.DEFAULT_SCOPE,
                 all_projects: bool = False) -> tokens.IssuedToken:
    """Issue a token for ``user`` in this project. A token never carries a role its user lacks,
    and only an identity that may administer tokens can issue an ``admin``-scoped one.

    An ``all_projects`` token acts in every project with the roles its user holds there: only the
    user themself or the store's owner may issue one, since an administrator of one project must
    not obtain a token that reaches the user's other projects."""
    who = require(store, "administer", f"token:{user}")
    tokens.check_scope(scope)
    if all_projects and user != who.name and not who.is_local_owner:
        raise deny(store, who, "administer", f"token:{user}",
                   "only the user themself or the store's owner may issue an all-projects token")
    expires_at = tokens.expiry(expires, utcnow())
    with store.session() as session:
        account = _user(session, user)
        if account.disabled:
            raise InputError(f"user {user!r} is disabled")
        held_where = select(Grant.role).where(Grant.user_name == user)
        if not all_projects:
            held_where = held_where.where(Grant.project_id == who.project.id)
        held = set(session.scalars(held_where))
    missing = sorted(set(roles or []) - held)
    if missing:
        where = "any project" if all_projects else f"project {who.project.name!r}"
        raise deny(store, who, "administer", f"token:{user}",
                   f"{user} does not hold role(s) {', '.join(missing)} in {where}")
    issued = tokens.issue(store, user=user, project_id=who.project.id, roles=roles, expires_at=expires_at,
                          created_by=who.name, scope=scope, all_projects=all_projects)
    audit(store, "tokens.create", f"token:{issued.token_id}",
          {"user": user, "roles": roles, "scope": scope, "expires_at": expires_at.isoformat(),
           "project_id": who.project.id, "all_projects": all_projects})
    return issued


def list_tokens(store: Store) -> list[dict[str, Any]]:
    who = require(store, "read", "token")
    now = utcnow()
    with store.session() as session:
        rows = session.scalars(select(Token).where(Token.project_id == who.project.id).order_by(Token.id)).all()
    out = []
    for t in rows:
        expires_at = tokens.aware(t.expires_at)
        state = "revoked" if t.revoked_at else ("expired" if expires_at <= now else "active")
        out.append({"id": t.token_id, "user": t.user_name, "roles": t.roles, "scope": t.scope, "state": state,
                    "created_by": t.created_by, "expires_at": expires_at.isoformat(),
                    "all_projects": bool(t.all_projects)})
    return out


def revoke_token(store: Store, id_or_token: str) -> str:
    """Revoke a token named by its id or by the token itself; returns the id (never the token).

    Whatever was given is never repeated in a message: a mistyped token is still mostly a token."""
    named = tokens.describe(id_or_token)
    who = require(store, "administer", "token")
    row = tokens.find(store, id_or_token, who.project.id)
    if row is None:
        raise InputError(f"no such token in project {who.project.name!r}: {named} "
                         "(see `secplan tokens list` for ids)")
    with store.session() as session:
        stored = session.get(Token, row.id)
        if stored.revoked_at is None:
            stored.revoked_at = utcnow()
    audit(store, "tokens.revoke", f"token:{row.token_id}", {"project_id": who.project.id, "user": row.user_name})
    return row.token_id
