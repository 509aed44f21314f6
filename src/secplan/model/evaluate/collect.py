"""Feed the assessment: each stored evaluation whose digest is the registered version's, and the
versions that need one (the newest of each model and every staged version). Nothing is loaded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from secplan.assess.evidence import Evidence, collector
from secplan.model.evaluate.evidence import EVALUATIONS, Evaluation, Evaluations, SuiteResult, VersionToJudge
from secplan.model.evaluate.summary import failed_checks

SENSITIVE_CLASSES = ("confidential", "restricted")


def _metrics(name: str, suite: dict[str, Any]) -> dict[str, float]:
    """The suite's headline numbers, flat (what a probe's details show)."""
    if name == "quality":
        return {k: v for k, v in suite.get("metrics", {}).items() if isinstance(v, int | float)}
    if name == "robustness":
        out = {"perturbation_flip_rate": suite.get("perturbation_flip_rate")}
        out |= {f"{a['name']}_success_rate": a.get("success_rate") for a in suite.get("attacks", [])}
        return {k: v for k, v in out.items() if isinstance(v, int | float)}
    if name == "privacy":
        out = {"membership_auc": suite.get("membership_auc")}
        out |= {f"extraction_fidelity_{k}": v for k, v in suite.get("extraction_fidelity", {}).items()}
        return {k: v for k, v in out.items() if isinstance(v, int | float)}
    if name == "fairness":
        features = suite.get("features", [])
        ratios = [f["demographic_parity_ratio"] for f in features if f.get("demographic_parity_ratio") is not None]
        gaps = [f["equalized_odds_difference"] for f in features if f.get("equalized_odds_difference") is not None]
        return {**({"min_parity_ratio": min(ratios)} if ratios else {}),
                **({"max_equalized_odds_difference": max(gaps)} if gaps else {})}
    if name == "explain":
        return {i["feature"]: i["value"] for i in suite.get("importance", [])[:5] if i.get("value") is not None}
    return {}


def suite_results(result: dict[str, Any]) -> tuple[SuiteResult, ...]:
    """A stored result document as typed suite results."""
    failed = failed_checks(result)
    out = []
    for name, suite in result.get("suites", {}).items():
        details: dict[str, Any] = {"failed": [f for f in failed if f.startswith(f"{name}:")]}
        if name == "fairness":
            details["proxies"] = list(suite.get("proxies", []))
            details["features"] = [f["feature"] for f in suite.get("features", [])]
        if name == "explain":
            details["top_features"] = [i["feature"] for i in suite.get("importance", [])[:5]]
        out.append(SuiteResult(name, suite.get("passed"), _metrics(name, suite), details))
    return tuple(out)


@collector(EVALUATIONS)
def collect_evaluations(ev: Evidence) -> Evaluations:
    from secplan.model.evaluate.results import evaluations
    from secplan.model.registry.versions import all_versions, stages

    if not ev.has_store:
        return Evaluations()
    store = ev.store
    versions = all_versions(store)
    digests = {v.ref: f"sha256:{v.root_digest}" for v in versions}
    found = []
    for row in evaluations(store):
        ref = f"{row['model']}@{row['version']}"
        if digests.get(ref) != row["digest"]:
            continue  # another digest's evaluation is no evidence for this version
        found.append(Evaluation(row["model"], row["version"], row["digest"], suite_results(row["result"]),
                                dt.datetime.fromisoformat(row["created"])))
    staged: dict[str, list[str]] = {}
    for (name, stage), version in stages(store).items():
        staged.setdefault(f"{name}@{version}", []).append(stage)
    newest = {v.name: v for v in versions}  # all_versions is oldest first
    judged = [v for v in versions if v.ref in staged or newest[v.name] is v]
    return Evaluations(tuple(found), tuple(
        VersionToJudge(v.ref, digests[v.ref], v.path, tuple(sorted(staged.get(v.ref, ()))),
                       any(d.get("classification") in SENSITIVE_CLASSES for d in v.lineage.get("datasets", [])))
        for v in judged))
