"""Errors users see. Each carries its exit code; the CLI prints the message, never a traceback."""

from __future__ import annotations


class SecplanError(Exception):
    """Base of every error secplan reports to a user. ``exit_code`` follows the CLI's contract."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(SecplanError):
    """A file or argument the user gave is malformed or unusable (exit 2)."""


class PlanError(InputError):
    """The plan file is invalid: the message names the file, line and field."""


class IntegrityError(SecplanError):
    """Something that must not change did: tampered ciphertext, a broken ledger, a bad signature (exit 1)."""

    exit_code = 1


class PermissionDenied(SecplanError):
    """The acting identity lacks a permission (exit 3); the message names the missing permission."""

    exit_code = 3


class SecplanWarning(UserWarning):
    """Something a user should fix that does not stop the command; the CLI prints it as ``warning:``."""
