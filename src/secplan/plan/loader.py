"""Load ``secplan.yaml`` with errors that name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

from secplan.errors import PlanError
from secplan.plan.model import Plan
from secplan.yamlfile import parse_yaml_model, read_yaml_text

PLAN_FILENAME = "secplan.yaml"


def plan_path(root: Path) -> Path:
    return root / PLAN_FILENAME


def load_plan(path: Path) -> Plan:
    """Parse and validate a plan file. Raises :class:`PlanError` with ``file:line: field: problem``."""
    if not path.exists():
        raise PlanError(f"{path}: no plan file (run `secplan init {path.parent}` to write one)")
    return parse_plan(read_yaml_text(path, what="plan", error=PlanError), str(path))


def parse_plan(text: str, source: str = PLAN_FILENAME) -> Plan:
    return parse_yaml_model(text, Plan, source=source, what="plan", error=PlanError, prefix=False)
