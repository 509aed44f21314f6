"""Apply an anonymisation policy to a table and measure what it achieved.

The order matters for safety: everything is computed in memory first; the privacy budget is
spent (or the release refused) before anything is written; the output and the report are then
written atomically; the input is never opened for writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secplan.data.anonymize import kanon, operators
from secplan.data.anonymize.policy import (
    AnonymisationPolicy,
    Generalize,
    Mask,
    Pseudonymize,
    Redact,
    Suppress,
)
from secplan.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from secplan.data.anonymize.utility import ModelType
    from secplan.store.db import Store


@dataclass
class Plan:
    """What the policy resolves to on one table: the generalisation levels and the rows released."""

    policy: AnonymisationPolicy
    levels: dict[str, int]
    keep: np.ndarray
    key: bytes | None = None


@dataclass
class Outcome:
    table: pd.DataFrame
    report: dict[str, Any] = field(default_factory=dict)


def check_columns(df: pd.DataFrame, policy: AnonymisationPolicy, policy_name: str) -> None:
    missing = sorted(policy.referenced_columns() - set(df.columns))
    if missing:
        raise InputError(f"{policy_name}: the policy names columns the input lacks: {', '.join(missing)}")


def resolve(df: pd.DataFrame, policy: AnonymisationPolicy, key: bytes | None) -> Plan:
    """Choose the generalisation levels and the suppressed rows (k-anonymity and l-diversity)."""
    import numpy as np

    if policy.quasi_identifiers:
        result = kanon.reach(df, policy)
        return Plan(policy, result.levels, result.keep, key)
    return Plan(policy, {}, np.ones(len(df), dtype=bool), key)


def apply(df: pd.DataFrame, plan: Plan, *, suppress_rows: bool = True, keep: np.ndarray | None = None) -> pd.DataFrame:
    """``df`` with every column rule applied at the plan's levels; suppressed rows dropped when asked."""
    policy = plan.policy
    out = df.copy()
    for name, rule in policy.columns.items():
        if isinstance(rule, Suppress):
            out = out.drop(columns=name)
        elif isinstance(rule, Redact):
            out[name] = operators.redact(df[name], rule)
        elif isinstance(rule, Mask):
            out[name] = operators.mask(df[name], rule)
        elif isinstance(rule, Pseudonymize):
            if plan.key is None:
                raise InputError("the policy pseudonymises columns but no key was given")
            out[name] = operators.pseudonymize(df[name], rule, plan.key)
        elif isinstance(rule, Generalize):
            out[name] = operators.generalize(df[name], rule, plan.levels.get(name, 0))
    for name in policy.quasi_identifiers:
        if name not in policy.columns:
            out[name] = operators.generalize(df[name], None, plan.levels.get(name, 0))
    if suppress_rows:
        mask = plan.keep if keep is None else keep
        out = out[mask]
    return out.reset_index(drop=True)


def privacy_report(original: pd.DataFrame, released: pd.DataFrame, policy: AnonymisationPolicy,
                   levels: dict[str, int]) -> dict[str, Any]:
    """k and l achieved, and the share of records at re-identification risk before and after."""
    import numpy as np

    qis, sens = policy.quasi_identifiers, policy.sensitive
    report: dict[str, Any] = {"quasi_identifiers": qis, "sensitive": sens, "k_target": policy.k,
                              "l_target": policy.l, "generalisation_levels": levels}
    if not qis:
        report.update(k_achieved=None, l_achieved=None, share_at_risk_before=None, share_at_risk_after=None)
        return report
    before = kanon.at_risk(original[qis], original[sens], policy.k, policy.l)
    after = kanon.at_risk(released[qis], released[sens], policy.k, policy.l) if len(released) else np.array([])
    sizes = kanon.class_sizes(released[qis]) if len(released) else np.array([])
    report.update(
        k_achieved=int(sizes.min()) if len(sizes) else None,
        l_achieved=min((int(kanon.diversity(released[qis], released[s]).min()) for s in sens), default=None)
        if len(released) else None,
        share_at_risk_before=round(float(before.mean()), 6) if len(before) else 0.0,
        share_at_risk_after=round(float(after.mean()), 6) if len(after) else 0.0,
        max_reidentification_risk=round(1.0 / float(sizes.min()), 6) if len(sizes) else None,
        mean_reidentification_risk=round(float((1.0 / sizes).mean()), 6) if len(sizes) else None,
    )
    return report


def utility_report(original: pd.DataFrame, released: pd.DataFrame, plan: Plan) -> dict[str, Any]:
    from secplan.data.anonymize.utility import column_distance

    kept = original[plan.keep].reset_index(drop=True)
    columns = {}
    for name in original.columns:
        if name not in released.columns:
            columns[name] = {"operator": "suppress", "metric": None, "distance": None}
            continue
        rule = plan.policy.columns.get(name)
        op = rule.op if rule else ("generalize" if name in plan.policy.quasi_identifiers else "keep")
        dates = isinstance(rule, Generalize) and rule.kind == "date"
        columns[name] = {"operator": op, **column_distance(kept[name], released[name], dates=dates)}
    suppressed = int(len(original) - len(released))
    return {
        "rows_in": len(original),
        "rows_out": len(released),
        "rows_suppressed": suppressed,
        "share_suppressed": round(suppressed / len(original), 6) if len(original) else 0.0,
        "columns": columns,
    }


def anonymize_frame(df: pd.DataFrame, policy: AnonymisationPolicy, *, key: bytes | None,
                    label: str | None = None, model: ModelType | None = None,
                    policy_name: str = "policy") -> Outcome:
    """Anonymise ``df`` (nothing written, no budget spent): the released table and its report."""
    df = df.reset_index(drop=True)
    check_columns(df, policy, policy_name)
    if len(df) == 0:
        raise InputError("the input has no rows")
    plan = resolve(df, policy, key)
    released = apply(df, plan)
    report: dict[str, Any] = {
        "privacy": privacy_report(df, released, policy, plan.levels),
        "utility": utility_report(df, released, plan),
    }
    if label is not None:
        from secplan.data.anonymize.utility import model_utility

        def anonymise_rows(frame: pd.DataFrame, suppress: bool) -> pd.DataFrame:
            return apply(frame, plan, suppress_rows=suppress, keep=plan.keep[frame.index.to_numpy()])

        identifying = {n for n, r in policy.columns.items() if not isinstance(r, Generalize)}
        features = [c for c in df.columns if c not in identifying and c != label]
        report["utility"]["model"] = model_utility(df, anonymise_rows, label=label, model=model or "logistic",
                                                   feature_columns=features)
    return Outcome(released, report)


def anonymize_file(
    source: Path,
    target: Path,
    policy_path: Path,
    *,
    store: Store | None = None,
    label: str | None = None,
    model: ModelType | None = None,
    root: Path | None = None,
    key_ref: str | None = None,
) -> dict[str, Any]:
    """Read ``source``, anonymise it under the policy at ``policy_path``, write ``target`` atomically.

    Differentially private aggregates, when the policy asks for them, are spent against the dataset's
    budget in ``store`` first and returned in the report. The pseudonymisation key comes from the
    keystore of ``root`` when ``key_ref`` (or the policy's ``key``) names one, else from the key file.
    """
    from secplan.data.anonymize.keys import pseudonym_key
    from secplan.data.anonymize.policy import load_policy
    from secplan.data.anonymize.tableio import _kind, read_table, write_table

    policy = load_policy(policy_path)
    _kind(target)  # refuse an unsupported output format before doing any work
    if target.resolve() == source.resolve():
        raise InputError(f"{target}: the output must not be the input (the input is never modified)")
    needs_key = any(isinstance(r, Pseudonymize) for r in policy.columns.values())
    key = pseudonym_key(root=root, key_ref=key_ref or policy.key) if needs_key else None
    df = read_table(source)
    outcome = anonymize_frame(df, policy, key=key, label=label, model=model, policy_name=str(policy_path))
    dataset = policy.dataset or source.name
    privacy = outcome.report["privacy"]
    privacy["epsilon_spent"] = 0.0
    if policy.dp and policy.dp.aggregates:
        from secplan.data.anonymize import budget, dp

        if store is None:
            raise InputError("differentially private aggregates need the store (to track the privacy budget)")
        epsilon = sum(a.epsilon for a in policy.dp.aggregates)
        # The spend commits only if the aggregates are computed and the output written.
        with budget.reserve(store, dataset, epsilon, total=policy.dp.budget,
                            purpose=f"anonymize {source.name} -> {target.name}") as state:
            outcome.report["aggregates"] = dp.release(df, policy.dp.aggregates)
            write_table(outcome.table, target)
        privacy.update(epsilon_spent=round(epsilon, 9), epsilon_total=state.total,
                       epsilon_remaining=round(state.remaining, 9))
        _audit(store, "data.dp_release", dataset, {"epsilon": round(epsilon, 9), "epsilon_remaining": round(state.remaining, 9),
                                                    "aggregates": [a.name for a in policy.dp.aggregates]})
    else:
        write_table(outcome.table, target)
    report = {"input": str(source), "output": str(target), "policy": str(policy_path), "dataset": dataset,
              **outcome.report}
    if store is not None:
        _audit(store, "data.anonymize", str(source), {
            "output": str(target), "policy": str(policy_path), "rows_suppressed": report["utility"]["rows_suppressed"],
            "k_achieved": privacy.get("k_achieved"), "l_achieved": privacy.get("l_achieved")})
    return report


def _audit(store: Store, action: str, obj: str, details: dict[str, Any]) -> None:
    from secplan.ledger import record

    record(store, action=action, obj=obj, details=details)
