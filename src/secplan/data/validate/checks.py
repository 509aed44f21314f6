"""Every validation check, each a function from data (and the baseline) to findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from secplan.data.validate import duplicates, labels
from secplan.data.validate.drift import column_drifts
from secplan.data.validate.findings import Finding, Thresholds
from secplan.data.validate.profile import Profile, column_type, numeric_view
from secplan.vocabulary import Severity

if TYPE_CHECKING:
    import pandas as pd

_COMPATIBLE = {("integer", "float"), ("float", "integer")}
_EXAMPLES = 5


def schema(df: pd.DataFrame, base: Profile) -> list[Finding]:
    out = []
    for name, prof in base.columns.items():
        if name not in df.columns:
            out.append(Finding("schema", Severity.HIGH, f"column {name!r} is missing", name))
            continue
        now = column_type(df[name])
        if now != prof.type and (prof.type, now) not in _COMPATIBLE and df[name].notna().any():
            out.append(Finding("schema", Severity.HIGH, f"column {name!r} changed type from {prof.type} to {now}",
                               name, {"was": prof.type, "now": now}))
    for name in df.columns:
        if name not in base.columns:
            out.append(Finding("schema", Severity.MEDIUM, f"new column {name!r} is not in the baseline", str(name)))
    return out


def nulls(df: pd.DataFrame, base: Profile, t: Thresholds) -> list[Finding]:
    out = []
    for name, prof in base.columns.items():
        if name in df.columns and len(df):
            rate = float(df[name].isna().mean())
            if rate - prof.null_rate > t.null_rate_increase:
                out.append(Finding("nulls", Severity.MEDIUM,
                                   f"column {name!r} null rate rose from {prof.null_rate:.1%} to {rate:.1%}", name,
                                   {"was": prof.null_rate, "now": round(rate, 6)}))
    return out


def ranges(df: pd.DataFrame, base: Profile, t: Thresholds) -> list[Finding]:
    out = []
    for name, prof in base.columns.items():
        if name not in df.columns or prof.min is None or prof.max is None:
            continue
        values = numeric_view(df[name])
        if values is None or not len(values):
            continue
        outside = (values < prof.min) | (values > prof.max)
        share = float(outside.mean())
        if share > t.out_of_range_share:
            out.append(Finding("range", Severity.MEDIUM,
                               f"column {name!r}: {share:.1%} of values outside the baseline range "
                               f"[{prof.min:g}, {prof.max:g}] (seen {values.min():g} to {values.max():g})", name,
                               {"share": round(share, 6), "count": int(outside.sum())}))
    return out


def categories(df: pd.DataFrame, base: Profile, t: Thresholds) -> list[Finding]:
    out = []
    for name, prof in base.columns.items():
        if name not in df.columns or not prof.categories:
            continue
        col = df[name].dropna().astype("string")
        new = ~col.isin(list(prof.categories))
        share = float(new.mean()) if len(col) else 0.0
        if share > t.new_category_share:
            seen = col[new].value_counts()
            examples = [v[:20] for v in seen.index[:_EXAMPLES]]
            out.append(Finding("categories", Severity.MEDIUM,
                               f"column {name!r}: {len(seen)} new categories on {share:.1%} of rows "
                               f"(for example {', '.join(examples)})", name,
                               {"share": round(share, 6), "new_categories": len(seen), "examples": examples}))
    return out


def duplicate_rows(df: pd.DataFrame, t: Thresholds) -> list[Finding]:
    out = []
    if not len(df):
        return out
    exact = duplicates.exact_duplicates(df)
    near = duplicates.near_duplicates(df)
    for check, mask, severity in (("duplicates", exact, Severity.MEDIUM), ("near_duplicates", near, Severity.LOW)):
        share = float(mask.mean())
        if share > t.duplicate_share:
            what = "exact" if check == "duplicates" else "near (equal once normalised)"
            out.append(Finding(check, severity, f"{int(mask.sum())} rows ({share:.1%}) are {what} duplicates",
                               None, {"count": int(mask.sum()), "share": round(share, 6),
                                      "rows": [int(i) for i in mask.nonzero()[0][:20]]}))
    return out


def leakage(df: pd.DataFrame, other: pd.DataFrame, other_name: str, label: str | None, t: Thresholds) -> list[Finding]:
    columns = [c for c in df.columns if c in other.columns and c != label]
    if not columns or not len(df):
        return []
    shared = duplicates.shared_rows(df, other, columns)
    share = float(shared.mean())
    if share > t.leakage_share:
        return [Finding("leakage", Severity.HIGH,
                        f"{int(shared.sum())} rows ({share:.1%}) also occur in {other_name}: train/test leakage",
                        None, {"count": int(shared.sum()), "share": round(share, 6), "against": other_name,
                               "rows": [int(i) for i in shared.nonzero()[0][:20]]})]
    return []


def label_noise(df: pd.DataFrame, label: str, t: Thresholds) -> list[Finding]:
    issues, examined = labels.label_issues(df, label)
    if not examined:
        return []
    share = len(issues) / examined
    if share > t.label_noise_share:
        return [Finding("label_noise", Severity.MEDIUM,
                        f"{len(issues)} of {examined} rows ({share:.1%}) look mislabelled (confident learning)",
                        label, {"count": len(issues), "examined": examined, "share": round(share, 6),
                                "rows": [int(i) for i in sorted(issues)[:20]]})]
    return []


def outliers(df: pd.DataFrame, base: Profile | None, t: Thresholds) -> list[Finding]:
    import numpy as np

    out = []
    for name in df.columns:
        values = numeric_view(df[name])
        if values is None or not len(values) or column_type(df[name]) == "boolean":
            continue
        prof = base.columns.get(str(name)) if base else None
        if prof is not None and prof.median is not None and prof.mad is not None:
            median, mad = prof.median, prof.mad
        else:
            median = float(np.median(values))
            mad = float(np.median(np.abs(values - median)))
        flagged = labels.robust_outliers(values, median, mad, t.outlier_z)
        share = float(flagged.mean())
        if share > t.outlier_share:
            out.append(Finding("outliers", Severity.MEDIUM,
                               f"column {name!r}: {int(flagged.sum())} values ({share:.1%}) lie beyond "
                               f"{t.outlier_z:g} robust standard deviations", str(name),
                               {"count": int(flagged.sum()), "share": round(share, 6)}))
    return out


def poisoning(df: pd.DataFrame, base: Profile | None, label: str | None, t: Thresholds) -> list[Finding]:
    out = []
    if not len(df):
        return out
    least = max(t.burst_rows, int(t.burst_share * len(df)))
    for position, copies in labels.bursts(df, least):
        out.append(Finding("poisoning", Severity.HIGH,
                           f"row {position} is repeated {copies} times (a burst of identical rows)", None,
                           {"indicator": "burst", "row": position, "copies": copies}))
    if label is None or label not in df.columns:
        return out
    conflict = labels.conflicting_labels(df, label)
    share = float(conflict.mean())
    if share > t.conflicting_label_share:
        out.append(Finding("poisoning", Severity.MEDIUM,
                           f"{int(conflict.sum())} rows ({share:.1%}) share identical features with a different label",
                           label, {"indicator": "conflicting_labels", "count": int(conflict.sum())}))
    prof = base.columns.get(label) if base else None
    if prof is not None and prof.categories:
        now = df[label].dropna().astype("string").value_counts(normalize=True)
        keys = set(prof.categories) | set(now.index)
        tvd = 0.5 * sum(abs(prof.categories.get(k, 0.0) - float(now.get(k, 0.0))) for k in keys)
        if tvd > t.label_shift_tvd:
            out.append(Finding("poisoning", Severity.HIGH,
                               f"label balance moved by {tvd:.1%} (total variation) from the baseline", label,
                               {"indicator": "label_shift", "total_variation": round(tvd, 6)}))
    return out


def drift(df: pd.DataFrame, base: Profile, t: Thresholds) -> list[Finding]:
    out = []
    for d in column_drifts(base, df, t.drift_correction):
        big = d.psi >= t.drift_psi or (d.wasserstein is not None and d.wasserstein >= t.drift_wasserstein)
        if d.p_adjusted < t.drift_alpha and big:
            severity = Severity.HIGH if d.psi >= 0.25 else Severity.MEDIUM
            stats = {"psi": round(d.psi, 6), "p_value": d.p_value, "p_adjusted": d.p_adjusted,
                     "correction": t.drift_correction}
            if d.wasserstein is not None:
                stats.update(wasserstein_normalised=round(d.wasserstein, 6), ks=round(d.ks or 0.0, 6))
            out.append(Finding("drift", severity,
                               f"column {d.column!r} drifted from the baseline (PSI {d.psi:.3f}, "
                               f"adjusted p {d.p_adjusted:.2g})", d.column, stats))
    return out
