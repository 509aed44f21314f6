"""The RBAC policy as data, and its evaluation in memory.

A permission is an (asset kind, action) pair; ``*`` as the kind means every kind. Built-in roles
are defined here, custom roles in the store; a grant gives a user a role in one project (the domain).
The semantics are pycasbin's RBAC with domains (``CASBIN_MODEL``, the reference the tests compare
against on every role, kind and action); decisions are evaluated here from sets, because pycasbin's
``enforce`` runs at about 1,400 decisions/s, below what a gateway needs (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from secplan.vocabulary import AssetKind

ACTIONS = ("read", "write", "decrypt", "approve", "administer", "infer")
#: Kinds of protected thing beyond assets: the governance records themselves.
RECORD_KINDS = ("user", "role", "token", "person", "vendor", "incident", "approval", "attestation",
                "assessment", "report", "ledger", "key")
KINDS = tuple(k.value for k in AssetKind) + RECORD_KINDS

Permission = tuple[str, str]
"""``(kind, action)``."""

_DATA = ("dataset", "encrypted", "document")
_ML = ("dataset", "model", "code", "notebook", "dependencies", "infrastructure", "service", "document",
       "encrypted", "assessment", "incident", "approval")
_SECURITY = ("person", "vendor", "incident", "attestation", "assessment", "approval", "key", "report")

BUILTIN_ROLES: dict[str, tuple[Permission, ...]] = {
    "viewer": (("*", "read"),),
    "model-client": (("model", "read"), ("model", "infer")),
    "engineer": (("*", "read"), *((k, "write") for k in _ML), ("model", "infer")),
    "data-steward": (("*", "read"), *((k, a) for k in _DATA for a in ("write", "decrypt", "approve")),
                     ("vendor", "write"), ("approval", "write")),
    "security-officer": (("*", "read"), ("*", "approve"), *((k, "write") for k in _SECURITY),
                         ("ledger", "administer")),
    "admin": tuple(("*", a) for a in ACTIONS),
}

#: Token scopes, each allowing the actions of the one before it and more.
SCOPES = ("read", "write", "admin")
SCOPE_ACTIONS: dict[str, frozenset[str]] = {
    "read": frozenset({"read", "infer"}),
    "write": frozenset({"read", "infer", "write", "decrypt", "approve"}),
    "admin": frozenset(ACTIONS),
}

#: Kinds whose ``decrypt`` reaches restricted data: holding it is what the two-person rule guards.
RESTRICTED_KINDS = ("*", "dataset", "encrypted")
_MEMO_MAX = 65_536

CASBIN_MODEL = """
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


def check_permission(permission: Permission) -> Permission:
    """Validate a (kind, action) pair a user typed for a custom role. Raises ValueError."""
    kind, action = permission
    if kind != "*" and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of *, {', '.join(KINDS)})")
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    return kind, action


def restricted(permissions: Iterable[Permission]) -> frozenset[Permission]:
    """The permissions among ``permissions`` that reach restricted data (decrypt on datasets)."""
    return frozenset((k, a) for k, a in permissions if a == "decrypt" and k in RESTRICTED_KINDS)


def widens_restricted(old: Iterable[Permission], new: Iterable[Permission]) -> frozenset[Permission]:
    """What a role redefinition adds on restricted data (empty when it adds nothing there)."""
    return restricted(new) - restricted(old)


@dataclass(frozen=True)
class Policy:
    """A snapshot of the whole policy: what each role allows and who holds which role where.

    Built once and asked many times (a warm process keeps one per store, see ``cache.py``)."""

    roles: Mapping[str, frozenset[Permission]]
    grants: Mapping[tuple[str, str], tuple[str, ...]]
    """``(project_id, user) -> roles``, disabled users left out."""
    disabled: frozenset[str] = frozenset()
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, roles: Mapping[str, Iterable[Permission]], grants: Iterable[tuple[str, str, str]],
              disabled: Iterable[str] = ()) -> Policy:
        """From role definitions and ``(user, role, project_id)`` grants."""
        off = frozenset(disabled)
        held: dict[tuple[str, str], set[str]] = {}
        for user, role, project_id in grants:
            if user not in off:
                held.setdefault((project_id, user), set()).add(role)
        return cls({name: frozenset((k, a) for k, a in perms) for name, perms in roles.items()},
                   {key: tuple(sorted(value)) for key, value in held.items()}, off)

    def roles_of(self, user: str, project_id: str) -> tuple[str, ...]:
        return self.grants.get((project_id, user), ())

    def allows(self, roles: tuple[str, ...], kind: str, action: str) -> bool:
        """Whether any of ``roles`` grants ``action`` on ``kind`` (memoised: the answers are few)."""
        key = (roles, kind, action)
        answer = self._memo.get(key)
        if answer is None:
            if len(self._memo) >= _MEMO_MAX:
                self._memo.clear()
            answer = self._memo[key] = any(
                (kind, action) in perms or ("*", action) in perms
                for perms in (self.roles.get(role, frozenset()) for role in roles))
        return answer

    def holders(self, role: str) -> list[tuple[str, str]]:
        """``(project_id, user)`` of everyone who holds ``role`` (and is not disabled)."""
        return sorted(key for key, held in self.grants.items() if role in held)


def casbin_enforcer(policy: Policy):  # -> casbin.Enforcer (imported lazily: only tests and benches)
    """The same policy as a pycasbin enforcer: the reference the in-memory evaluation must agree with."""
    import casbin

    model = casbin.Model()
    model.load_model_from_text(CASBIN_MODEL)
    enforcer = casbin.Enforcer(model)
    for role, permissions in policy.roles.items():
        for kind, action in sorted(permissions):
            enforcer.add_policy(f"role:{role}", kind, action)
    for (project_id, user), held in policy.grants.items():
        for role in held:
            enforcer.add_grouping_policy(f"user:{user}", f"role:{role}", project_id)
    return enforcer
