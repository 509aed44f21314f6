"""Validate a dataset: profile it, check it against a baseline and rules, report findings.

Checks that need a baseline (schema, nulls, ranges, categories, drift, label shift) run only when
one is given; the others (rules, duplicates, leakage, label noise, outliers, bursts) always run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secplan.data.validate import checks
from secplan.data.validate.findings import Finding
from secplan.data.validate.profile import Profile, build_profile, load_profile, save_profile
from secplan.data.validate.rules import RuleSet, check_rules, load_rules
from secplan.errors import InputError
from secplan.vocabulary import Severity

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class ValidationReport:
    dataset: str
    rows: int
    baseline: str | None
    findings: list[Finding] = field(default_factory=list)
    profile_written: str | None = None

    def failures(self, fail_on: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.at_least(fail_on)]

    def to_dict(self) -> dict[str, Any]:
        counts = Counter(str(f.severity) for f in self.findings)
        return {
            "dataset": self.dataset,
            "rows": self.rows,
            "baseline": self.baseline,
            "profile_written": self.profile_written,
            "summary": {str(s): counts.get(str(s), 0) for s in Severity},
            "findings": [f.to_dict() for f in self.findings],
        }


def validate_frame(
    df: pd.DataFrame,
    *,
    baseline: Profile | None = None,
    ruleset: RuleSet | None = None,
    other: pd.DataFrame | None = None,
    other_name: str = "the other dataset",
    label: str | None = None,
    label_noise: bool = True,
) -> list[Finding]:
    """All findings for ``df``, ordered worst first."""
    ruleset = ruleset or RuleSet()
    t = ruleset.thresholds
    df = df.reset_index(drop=True)
    other = other.reset_index(drop=True) if other is not None else None
    label = label or (baseline.label if baseline else None)
    if label is not None and label not in df.columns:
        raise InputError(f"label column {label!r} is not in the data")
    found: list[Finding] = list(check_rules(df, ruleset))
    if baseline is not None:
        found += checks.schema(df, baseline)
        found += checks.nulls(df, baseline, t)
        found += checks.ranges(df, baseline, t)
        found += checks.categories(df, baseline, t)
        found += checks.drift(df, baseline, t)
    found += checks.duplicate_rows(df, t)
    if other is not None:
        found += checks.leakage(df, other, other_name, label, t)
    if label is not None and label_noise:
        found += checks.label_noise(df, label, t)
    found += checks.outliers(df, baseline, t)
    found += checks.poisoning(df, baseline, label, t)
    return sorted(found, key=lambda f: (-f.severity.rank, f.check, f.column or ""))


def validate_path(
    path: Path,
    *,
    baseline: Path | None = None,
    write_profile: Path | None = None,
    rules: Path | None = None,
    against: Path | None = None,
    label: str | None = None,
    label_noise: bool = True,
) -> ValidationReport:
    """Validate the dataset at ``path``; with ``write_profile``, also record its profile as a baseline."""
    from secplan.data.anonymize.tableio import read_table

    if baseline is not None and write_profile is not None:
        raise InputError("give either --profile or --write-profile, not both")
    ruleset = load_rules(rules) if rules else None
    base = load_profile(baseline) if baseline else None
    df = read_table(path)
    other = read_table(against) if against else None
    if label is not None and label not in df.columns:
        raise InputError(f"{path}: label column {label!r} is not in the data")
    findings = validate_frame(df, baseline=base, ruleset=ruleset, other=other, other_name=str(against),
                              label=label, label_noise=label_noise)
    report = ValidationReport(str(path), len(df), str(baseline) if baseline else None, findings)
    if write_profile is not None:
        save_profile(build_profile(df, path.name, label=label), write_profile)
        report.profile_written = str(write_profile)
    return report
