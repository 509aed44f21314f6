"""Load ``secplan.yaml`` with errors that name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from secplan.errors import PlanError
from secplan.plan.model import Plan

PLAN_FILENAME = "secplan.yaml"
MAX_PLAN_BYTES = 4 * 1024 * 1024


def plan_path(root: Path) -> Path:
    return root / PLAN_FILENAME


def load_plan(path: Path) -> Plan:
    """Parse and validate a plan file. Raises :class:`PlanError` with ``file:line: field: problem``."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PlanError(f"{path}: no plan file (run `secplan init {path.parent}` to write one)") from None
    if size > MAX_PLAN_BYTES:
        raise PlanError(f"{path}: plan file is {size} bytes; the limit is {MAX_PLAN_BYTES}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_plan(text, str(path))


def parse_plan(text: str, source: str = PLAN_FILENAME) -> Plan:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise PlanError(f"{source}{line}: invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise PlanError(f"{source}: invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PlanError(f"{source}:1: the plan must be a mapping with at least a `project` section")
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        lines = _line_index(node)
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            field = ".".join(str(part) for part in loc) or "(root)"
            problems.append(f"{source}:{_nearest_line(lines, loc)}: {field}: {error['msg']}")
        raise PlanError("\n".join(problems)) from None


def _line_index(node: yaml.Node | None) -> dict[tuple[Any, ...], int]:
    """Map every key path in the YAML document to its 1-based line."""
    index: dict[tuple[Any, ...], int] = {}

    def walk(current: yaml.Node, path: tuple[Any, ...]) -> None:
        index[path] = current.start_mark.line + 1
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                child = (*path, key_node.value)
                walk(value_node, child)
                index[child] = key_node.start_mark.line + 1
        elif isinstance(current, yaml.SequenceNode):
            for position, item in enumerate(current.value):
                walk(item, (*path, position))

    if node is not None:
        walk(node, ())
    return index


def _nearest_line(index: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int:
    for end in range(len(loc), -1, -1):
        if loc[:end] in index:
            return index[loc[:end]]
    return 1
