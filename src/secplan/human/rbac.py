"""Moved to :mod:`secplan.access.policy`; kept so that older imports still work."""

from secplan.access.policy import ACTIONS, BUILTIN_ROLES, KINDS, RECORD_KINDS, check_permission

__all__ = ["ACTIONS", "BUILTIN_ROLES", "KINDS", "RECORD_KINDS", "check_permission"]
