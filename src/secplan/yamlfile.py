"""Read a YAML file into a pydantic model, with errors that name the file, the line and the field.

Every YAML input users write (the plan, anonymisation policies, validation rules, scanner
policies) goes through here, so that they all fail the same, precise way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel

from secplan.documents import (
    CONFIG_LIMITS,
    DocumentError,
    iter_yaml_nodes,
    parse_yaml_with_nodes,
    validate_shape,
)
from secplan.errors import InputError, SecplanError

M = TypeVar("M", bound=BaseModel)
MAX_YAML_BYTES = CONFIG_LIMITS.max_bytes


def read_yaml_text(path: Path, *, what: str, error: type[SecplanError] = InputError) -> str:
    """The file's text, bounded in size and required to be UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(f"{path}: the {what} file is {size} bytes; the limit is {MAX_YAML_BYTES}")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {what} file") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: the {what} file is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} file ({exc.strerror})") from None


def load_yaml_model(path: Path, model: type[M], *, what: str, error: type[SecplanError] = InputError,
                    empty_ok: bool = False) -> M:
    """Parse ``path`` as YAML and validate it as ``model``; ``what`` names the file in messages."""
    text = read_yaml_text(path, what=what, error=error)
    return parse_yaml_model(text, model, source=str(path), what=what, error=error, empty_ok=empty_ok)


def parse_yaml_model(text: str, model: type[M], *, source: str, what: str,
                     error: type[SecplanError] = InputError, empty_ok: bool = False, prefix: bool = True) -> M:
    """Like :func:`load_yaml_model` for text already read. ``prefix`` starts messages with "invalid <what>"."""
    try:
        data, node = parse_yaml_with_nodes(text, source, CONFIG_LIMITS, what=f"the {what}")
    except InputError as exc:
        raise error(exc.message, hint=exc.hint) from None
    if data is None and empty_ok:
        data = {}
    if not isinstance(data, dict):
        raise error(f"{source}:1: the {what} must be a mapping")
    lines: dict[tuple[Any, ...], int] = {}

    def line_of(loc: tuple[Any, ...]) -> int:
        if not lines:
            lines.update(_line_index(node))
        return _nearest_line(lines, loc)

    try:
        return validate_shape(model, data, source, line_of)
    except DocumentError as exc:
        head = f"invalid {what}: " if prefix else ""
        raise error(head + exc.message) from None


def _line_index(node: yaml.Node | None) -> dict[tuple[Any, ...], int]:
    """Map every key path in the YAML document to its 1-based line (a key's own line for mappings)."""
    return {path: (key or value).start_mark.line + 1 for path, value, key in iter_yaml_nodes(node)}


def _nearest_line(index: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int:
    for end in range(len(loc), -1, -1):
        if loc[:end] in index:
            return index[loc[:end]]
    return 1
