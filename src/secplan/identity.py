"""Who is acting. Local single-user mode: the OS user. The governance layer (tokens) refines this."""

from __future__ import annotations

import getpass
import os


def current_actor() -> str:
    """The acting identity's name, as written to the audit ledger."""
    override = os.environ.get("SECPLAN_ACTOR")
    if override:
        return override
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"
