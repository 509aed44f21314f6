"""The one access layer: who is acting, and may they. The CLI, the server and the model gateway all
go through it; engines call ``require`` and never look at roles themselves.

    from secplan import access

    # an entry point resolves the caller once ...
    identity = access.identity_from_token(store, bearer)       # server / gateway: Authorization: Bearer
    identity = access.current_identity(store)                  # CLI: SECPLAN_TOKEN, else the OS user
    # ... and asks, or runs services as that caller
    decision = access.authorize(store, identity, "infer", "model:fraud", project)  # Decision; bool()
    with access.acting(identity):                              # services' require() and ledger
        registry.promote(store, ...)                           # entries now name this caller
    # a service checks (raises PermissionDenied, exit 3)
    access.require(store, "decrypt", f"dataset:{path}")

* Policy as data (``policy.py``): actions ``read write decrypt approve administer infer``; built-in
  roles (``viewer``, ``model-client`` — read and infer on the project's models —, ``engineer``,
  ``data-steward``, ``security-officer``, ``admin``), custom roles and per-project grants in the store.
* Decisions come from a policy cached per store in the process (``cache.py``), refreshed at once on
  changes made through this process and within ``SECPLAN_POLICY_TTL`` seconds (default 1) of changes
  made by another. Every denial is an ``access.deny`` ledger entry before ``authorize`` returns.
* Tokens (``tokens.py``): ``spt_<id>_<secret>``, Argon2id-hashed at rest, per project, limited to
  some of the user's roles and to a scope (``read``: read and infer; ``write``: also write, decrypt,
  approve; ``admin``: everything), expiring (at most a year), revocable by id or by the token
  itself. Revocation and expiry are checked on every request. No error ever quotes a token.
* Several projects (``for_project``): a token is bound to its project unless issued with
  ``--all-projects`` (by its own user or the store's owner); such a token acts in any project with
  the roles its user holds there, still limited by its roles and scope. A server that shows many
  projects resolves the caller once and decides per project, never widening what the user holds.
"""

from __future__ import annotations

from secplan.access.authn import (
    Identity,
    acting,
    acting_identity,
    current_identity,
    for_project,
    identity_from_token,
)
from secplan.access.cache import invalidate
from secplan.access.decide import Decision, authorize, can, deny, require, require_at
from secplan.access.policy import ACTIONS, BUILTIN_ROLES, KINDS, SCOPES, Policy

__all__ = ["ACTIONS", "BUILTIN_ROLES", "KINDS", "SCOPES", "Decision", "Identity", "Policy", "acting",
           "acting_identity", "authorize", "can", "current_identity", "deny", "for_project", "identity_from_token",
           "invalidate", "require", "require_at"]
