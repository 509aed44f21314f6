"""``NAME@VERSION`` references, the one spelling users type for models and datasets."""

from __future__ import annotations

import re

from secplan.errors import InputError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


def check_name(name: str, what: str = "model") -> str:
    if not _NAME.match(name):
        raise InputError(f"invalid {what} name {name!r}: use letters, digits, '.', '_' and '-' (at most 128)")
    return name


def check_version(version: str) -> str:
    if not _VERSION.match(version):
        raise InputError(f"invalid version {version!r}: use letters, digits, '.', '_', '+' and '-'")
    return version


def parse_ref(ref: str, what: str = "model", *, need_version: bool = True) -> tuple[str, str | None]:
    """Split ``NAME@VERSION``; ``NAME`` alone is allowed (latest) only when ``need_version`` is False."""
    name, sep, version = ref.strip().partition("@")
    if not sep:
        if need_version:
            raise InputError(f"{ref!r}: name the {what} version as NAME@VERSION (for example fraud@2)")
        return check_name(name, what), None
    return check_name(name, what), check_version(version)
