"""Re-checking the served version while the gateway runs (``kill -HUP``): the model is withdrawn the
moment it no longer passes what it passed at start.

The worker holds the bytes it loaded at start, so a file changed on disk does not change answers;
it does mean the registered artifact is no longer what was signed and scanned, or that someone is
tampering with the model store. A stage that now points to another version means the served one is
no longer the approved one. In every such case the safe choice is to stop answering (503, with the
reason) until an operator restarts the gateway on a version that passes; each re-check is ledgered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secplan.errors import SecplanError

if TYPE_CHECKING:
    from secplan.model.serve.gateway import Gateway

ACTION = "model.serve.recheck"


def recheck(gateway: Gateway) -> str | None:
    """Run the start-up checks again for what ``gateway`` serves; withdraw it on the first problem.

    Returns the problem (None when the version still passes). Safe to call from any thread."""
    from secplan.ledger import record
    from secplan.model.serve import preflight

    settings, store = gateway.settings, gateway.store
    try:
        approved = preflight.check(store, settings.root, settings.ref)
        problem = None if approved.digest == gateway.digest else (
            f"{settings.ref} now names {approved.version.ref} ({approved.digest}), not the served "
            f"{gateway.ref} ({gateway.digest}): restart the gateway to serve it")
    except SecplanError as exc:
        problem = exc.message
    if problem is not None:
        gateway.withdraw(problem)
    record(store, action=ACTION, obj=f"model:{gateway.ref}",
           details={"requested": settings.ref, "digest": gateway.digest, "result": "withdrawn" if problem else "ok",
                    **({"problem": problem[:500]} if problem else {})},
           outcome="failure" if problem else "success", actor="gateway")
    return problem
