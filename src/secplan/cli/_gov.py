"""Helpers the governance command groups share: opening the project's store, date options."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from secplan.errors import InputError

DATE_FORMATS = ["%Y-%m-%d"]


def open_store(root: Path):
    """The store of the project at ``root`` (created on first use, like every secplan command)."""
    from secplan.store.db import Store

    root = root.resolve()
    if not root.is_dir():
        raise InputError(f"{root}: not a directory (give the project root with --root)")
    return Store.for_project(root)


def day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None
