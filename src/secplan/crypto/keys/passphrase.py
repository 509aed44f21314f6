"""Where the keystore passphrase comes from: ``SECPLAN_PASSPHRASE``, ``SECPLAN_PASSPHRASE_FILE``, or a prompt."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from secplan.errors import InputError

PASSPHRASE_ENV = "SECPLAN_PASSPHRASE"
PASSPHRASE_FILE_ENV = "SECPLAN_PASSPHRASE_FILE"
MIN_LENGTH = 8


def read_passphrase(*, confirm: bool = False) -> bytes:
    """The passphrase as bytes. ``confirm`` asks twice when prompting (a new keystore)."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value is None and os.environ.get(PASSPHRASE_FILE_ENV):
        path = Path(os.environ[PASSPHRASE_FILE_ENV]).expanduser()
        try:
            value = path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise InputError(f"{path}: cannot read passphrase file ({PASSPHRASE_FILE_ENV}): {exc.strerror}") from None
    if value is None:
        if not sys.stdin.isatty():
            raise InputError(
                "the local keystore needs a passphrase",
                hint=f"set {PASSPHRASE_ENV} or {PASSPHRASE_FILE_ENV}, run in a terminal to be prompted, "
                     "or run `secplan keys unlock` once per session",
            )
        value = getpass.getpass("keystore passphrase: ")
        if confirm and getpass.getpass("repeat passphrase: ") != value:
            raise InputError("the passphrases do not match")
    if len(value) < MIN_LENGTH:
        raise InputError(f"the keystore passphrase must be at least {MIN_LENGTH} characters")
    return value.encode("utf-8")
