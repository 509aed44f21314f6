"""Moved to :mod:`secplan.access` (the one access layer); kept so that older imports still work."""

from secplan.access.authn import Identity, current_identity
from secplan.access.decide import can, deny, require, require_at

__all__ = ["Identity", "can", "current_identity", "deny", "require", "require_at"]
