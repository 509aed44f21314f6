"""Roles and permissions, decided by pycasbin (RBAC with domains).

A permission is an (asset kind, action) pair; ``*`` as the kind means every kind. Built-in roles are
defined here; custom roles are stored. Grants (user, role, project) come from the store, so the
enforcer is rebuilt for each decision: there is no policy file to drift from the database.
"""

from __future__ import annotations

from collections.abc import Iterable

import casbin

from secplan.vocabulary import AssetKind

ACTIONS = ("read", "write", "decrypt", "approve", "administer")
#: Kinds of protected thing beyond assets: the governance records themselves.
RECORD_KINDS = ("user", "role", "token", "person", "vendor", "incident", "approval", "attestation",
                "assessment", "report", "ledger", "key")
KINDS = tuple(k.value for k in AssetKind) + RECORD_KINDS

_DATA = ("dataset", "encrypted", "document")
_ML = ("dataset", "model", "code", "notebook", "dependencies", "infrastructure", "service", "document",
       "encrypted", "assessment", "incident", "approval")
_SECURITY = ("person", "vendor", "incident", "attestation", "assessment", "approval", "key", "report")

BUILTIN_ROLES: dict[str, tuple[tuple[str, str], ...]] = {
    "viewer": (("*", "read"),),
    "engineer": (("*", "read"), *((k, "write") for k in _ML)),
    "data-steward": (("*", "read"), *((k, a) for k in _DATA for a in ("write", "decrypt", "approve")),
                     ("vendor", "write"), ("approval", "write")),
    "security-officer": (("*", "read"), ("*", "approve"), *((k, "write") for k in _SECURITY),
                         ("ledger", "administer")),
    "admin": tuple(("*", a) for a in ACTIONS),
}

_MODEL = """
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && (p.obj == "*" || p.obj == r.obj) && r.act == p.act
"""


def check_permission(permission: tuple[str, str]) -> tuple[str, str]:
    """Validate a (kind, action) pair a user typed for a custom role."""
    kind, action = permission
    if kind != "*" and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of *, {', '.join(KINDS)})")
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    return kind, action


def build_enforcer(roles: dict[str, Iterable[tuple[str, str]]],
                   grants: Iterable[tuple[str, str, str]]) -> casbin.Enforcer:
    """An in-memory enforcer from role definitions and (user, role, domain) grants."""
    model = casbin.Model()
    model.load_model_from_text(_MODEL)
    enforcer = casbin.Enforcer(model)
    for role, permissions in roles.items():
        for kind, action in permissions:
            enforcer.add_policy(f"role:{role}", kind, action)
    for user, role, domain in grants:
        enforcer.add_grouping_policy(f"user:{user}", f"role:{role}", domain)
    return enforcer


def allowed(enforcer: casbin.Enforcer, user: str, domain: str, kind: str, action: str) -> bool:
    return bool(enforcer.enforce(f"user:{user}", domain, kind, action))
