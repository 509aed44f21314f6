"""One reading of a result document for people: the verdict word and each suite's headline numbers.

The command's table, ``secplan model show``, the model card and the HTML report all say the same
thing about an evaluation, so they all take it from here.
"""

from __future__ import annotations

from typing import Any


def verdict(passed: bool | None) -> str:
    """``pass``, ``fail`` or ``-`` (no threshold applies)."""
    return "-" if passed is None else ("pass" if passed else "fail")


def _num(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else "n/a"
    return str(value)


def headline(name: str, suite: dict[str, Any]) -> str:
    """The few numbers that say how a suite went, in one line."""
    if name == "quality":
        metrics = suite.get("metrics", {})
        keys = [k for k in ("accuracy", "auc", "f1", "rmse", "mae") if k in metrics]
        return ", ".join(f"{k} {_num(metrics[k])}" for k in keys) or "no metric"
    if name == "robustness":
        parts = [f"flip rate {_num(suite.get('perturbation_flip_rate'))}"]
        parts += [f"{a['name']} success {_num(a.get('success_rate'))} in {a.get('queries')} queries"
                  for a in suite.get("attacks", [])]
        reasons: dict[str, list[str]] = {}
        for skipped in suite.get("skipped", []):  # attacks skipped for one reason read as one phrase
            reasons.setdefault(skipped["skipped"], []).append(skipped["name"])
        parts += [f"{', '.join(names)} skipped: {why}" for why, names in reasons.items()]
        return "; ".join(parts)
    if name == "privacy":
        fidelity = suite.get("extraction_fidelity", {})
        parts = [f"membership AUC {_num(suite.get('membership_auc'))}"]
        if fidelity:
            parts.append("extraction fidelity " + ", ".join(f"{_num(v)}@{k}" for k, v in fidelity.items()))
        return "; ".join(parts)
    if name == "fairness":
        if not suite.get("features"):
            return suite.get("note", "no sensitive feature")
        parts = [f"{f['feature']}: parity {_num(f['demographic_parity_ratio'])}, "
                 f"eq. odds diff {_num(f['equalized_odds_difference'])}" for f in suite["features"]]
        if suite.get("proxies"):
            parts.append("proxies: " + ", ".join(suite["proxies"]))
        return "; ".join(parts)
    if name == "explain":
        top = suite.get("importance", [])[:3]
        return "top features: " + ", ".join(f"{i['feature']} {_num(i['value'])}" for i in top) if top else "none"
    return ""


def failed_checks(result: dict[str, Any]) -> list[str]:
    """Each threshold a result breaks, as ``suite: threshold value > limit``."""
    out = []
    for name, suite in result.get("suites", {}).items():
        for check in suite.get("checks", []):
            if check.get("passed") is False:
                subject = check.get("feature") or check.get("attack")
                feature = f" ({subject})" if subject else ""
                out.append(f"{name}: {check['threshold']}{feature} {_num(check['value'])} vs limit "
                           f"{_num(check['limit'])}")
    return out


GROUP_METRICS = ("selection_rate", "tpr", "fpr", "accuracy")
"""The per-group rates a card shows (fairlearn's MetricFrame columns)."""


def card_section(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a model card and ``model show`` print of a version's current evaluation (None: none).

    Kept out of the card's signed content: the result has its own attestation, and a new evaluation
    must not change the digest the model's signature covers.
    """
    if stored is None:
        return None
    result = stored["result"]
    suites = result.get("suites", {})
    fairness = suites.get("fairness", {})
    robustness = suites.get("robustness", {})
    return {
        "evaluation": stored["id"], "digest": stored["digest"], "created": stored["created"],
        "attested": stored.get("signed", False), "passed": verdict(result.get("passed")),
        "suites": [{"suite": name, "passed": verdict(s.get("passed")), "results": headline(name, s)}
                   for name, s in suites.items()],
        "failed": failed_checks(result),
        "fairness": [{"feature": f["feature"], "parity_ratio": f["demographic_parity_ratio"],
                      "equalized_odds_difference": f["equalized_odds_difference"],
                      "selection_rates": {g: m.get("selection_rate") for g, m in f.get("groups", {}).items()},
                      "groups": {g: {k: m.get(k) for k in GROUP_METRICS} for g, m in f.get("groups", {}).items()}}
                     for f in fairness.get("features", [])],
        "proxies": list(fairness.get("proxies", [])),
        "perturbation": dict(robustness.get("perturbation", {})),
        "perturbation_curve": [(p["noise_std"], p["flip_rate"]) for p in robustness.get("perturbation_curve", [])],
        "attacks": [{k: a.get(k) for k in ("name", "success_rate", "median_l2", "median_linf", "queries")}
                    for a in robustness.get("attacks", [])],
        "thresholds": {k: result.get("thresholds", {}).get(k) for k in ("max_flip_rate", "min_parity_ratio")},
        "importance": {i["feature"]: i["value"] for i in suites.get("explain", {}).get("importance", [])[:10]},
        "privacy": {k: suites["privacy"].get(k) for k in ("membership_auc", "tpr_at_1pct_fpr", "extraction_fidelity")}
        if "privacy" in suites else {},
    }
