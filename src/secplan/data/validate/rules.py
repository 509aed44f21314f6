"""Declarative rules (``*.rules.yaml``): constraints on columns, and threshold overrides.

```yaml
version: 1
thresholds: {null_rate_increase: 0.02, drift_correction: holm}
rules:
  - column: age
    min: 0
    max: 120
    severity: high
  - {column: email, not_null: true}
  - {column: id, unique: true}
  - {column: country, allowed: [DE, FR, NL]}
  - {column: sku, pattern: '^[A-Z]{3}-\\d{4}$'}
  - {column: score, max_null_rate: 0.1}
```

Every check is vectorised (patterns run as RE2 over the whole column with ``pyarrow.compute``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from secplan.data.validate.findings import Finding, Thresholds
from secplan.vocabulary import Severity
from secplan.yamlfile import load_yaml_model

if TYPE_CHECKING:
    import pandas as pd


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    column: str
    severity: Severity = Severity.HIGH
    not_null: bool = False
    unique: bool = False
    min: float | None = None
    max: float | None = None
    allowed: list[str] | None = None
    pattern: str | None = None
    max_null_rate: float | None = Field(None, ge=0, le=1)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern does not compile: {exc}") from None
        return value


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    thresholds: Thresholds = Field(default_factory=Thresholds)
    rules: list[Rule] = Field(default_factory=list)


def load_rules(path: Path) -> RuleSet:
    """Parse and validate the file; :class:`InputError` names the file, line and field on failure."""
    return load_yaml_model(path, RuleSet, what="validation rules", empty_ok=True)


def _violations(col: pd.Series, rule: Rule) -> dict[str, int]:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    found: dict[str, int] = {}
    present = col.dropna()
    if rule.not_null:
        found["null"] = int(col.isna().sum())
    if rule.unique:
        found["not_unique"] = int(present.duplicated().sum())
    if rule.min is not None or rule.max is not None:
        numbers = pd.to_numeric(present, errors="coerce")
        found["not_a_number"] = int(numbers.isna().sum())
        if rule.min is not None:
            found["below_min"] = int((numbers < rule.min).sum())
        if rule.max is not None:
            found["above_max"] = int((numbers > rule.max).sum())
    if rule.allowed is not None:
        found["not_allowed"] = int((~present.astype("string").isin(rule.allowed)).sum())
    if rule.pattern is not None:
        arr = pa.array(present.astype("string"), type=pa.large_string(), from_pandas=True)
        anchored = rule.pattern if rule.pattern.startswith("^") else "^(?:" + rule.pattern + ")"
        found["pattern_mismatch"] = int(pc.sum(pc.invert(pc.match_substring_regex(arr, anchored))).as_py() or 0)
    return {k: v for k, v in found.items() if v}


def check_rules(df: pd.DataFrame, ruleset: RuleSet) -> list[Finding]:
    findings: list[Finding] = []
    for rule in ruleset.rules:
        if rule.column not in df.columns:
            findings.append(Finding("rule", rule.severity, f"rule names column {rule.column!r}, which is missing",
                                    rule.column))
            continue
        col = df[rule.column]
        broken = _violations(col, rule)
        if rule.max_null_rate is not None and len(col) and col.isna().mean() > rule.max_null_rate:
            broken["null_rate"] = round(float(col.isna().mean()), 6)
        if broken:
            what = ", ".join(f"{k}: {v}" for k, v in broken.items())
            findings.append(Finding("rule", rule.severity, f"column {rule.column!r} breaks its rule ({what})",
                                    rule.column, broken))
    return findings
