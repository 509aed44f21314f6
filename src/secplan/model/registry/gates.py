"""Promotion gates: a version moves to a stage only when every gate the stage needs is met.

``production`` needs all four: signed and verifies, scan safe, evaluation thresholds from
``plan.policy.evaluation`` (judging the version's current evaluation, of its exact digest; without
one, the metrics recorded at registration, when there are any or the plan sets a minimum), and an
approval by a second person (``require_approval``, which consumes it). ``staging`` needs the first
two; ``candidate`` and custom stages need none. A refusal lists every unmet gate and is recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secplan.errors import IntegrityError, PermissionDenied
from secplan.model.registry.records import PromotionRow
from secplan.model.registry.refs import check_name
from secplan.model.registry.signatures import check_version
from secplan.model.registry.versions import ModelVersion, get_version
from secplan.projects import project_of

if TYPE_CHECKING:
    from secplan.crypto.keys.manager import KeyManager
    from secplan.store.db import Store

STAGE_GATES: dict[str, tuple[str, ...]] = {
    "production": ("signature", "scan", "evaluation", "approval"),
    "staging": ("signature", "scan"),
    "candidate": (),
}
PROMOTE_ACTION = "model.promote"


class PromotionRefused(IntegrityError):
    """One or more gates are unmet (exit 1); ``unmet`` lists them all."""

    def __init__(self, ref: str, stage: str, unmet: list[dict[str, Any]]) -> None:
        lines = "; ".join(f"{g['gate']}: {g['detail']}" for g in unmet)
        super().__init__(f"promotion of {ref} to {stage} refused, unmet gates: {lines}")
        self.unmet = unmet


@dataclass(frozen=True)
class Gate:
    gate: str
    met: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"gate": self.gate, "met": self.met, "detail": self.detail}


def _evaluation_policy(store: Store) -> dict[str, Any]:
    """Thresholds from ``plan.policy.evaluation``, read leniently (no plan: the defaults)."""
    from secplan.human.domain import project_plan
    from secplan.plan.model import EvaluationPolicy

    plan = project_plan(store)
    policy = plan.policy.evaluation if plan else EvaluationPolicy()
    return policy.model_dump()


def _recheck(result: dict[str, Any], policy: dict[str, Any]) -> list[str]:
    """Each stored check re-judged against the plan's thresholds now (a plan can tighten after a run)."""
    problems = []
    for name, suite in result.get("suites", {}).items():
        for check in suite.get("checks", []):
            limit = policy.get(check.get("threshold"), check.get("limit"))
            value = check.get("value")
            if limit is None or not isinstance(value, int | float):
                continue
            ok = value >= limit if str(check["threshold"]).startswith("min_") else value <= limit
            if not ok:
                subject = check.get("feature") or check.get("attack")
                feature = f" ({subject})" if subject else ""
                problems.append(f"{name}: {check['threshold']}{feature} {value} vs the plan's limit {limit}")
    return problems


def evaluation_gate(version: ModelVersion, policy: dict[str, Any], current: dict[str, Any] | None = None,
                    other_digests: int = 0) -> Gate:
    """The version's current evaluation (of its digest) judged by the plan's thresholds; without one,
    the metrics recorded at registration, which the plan's thresholds judge as well."""
    if current is not None:
        problems = _recheck(current["result"], policy)
        minimum = policy.get("min_accuracy")
        accuracy = current["result"].get("suites", {}).get("quality", {}).get("metrics", {}).get("accuracy")
        if minimum is not None and isinstance(accuracy, int | float) and accuracy < minimum:
            problems.append(f"quality: accuracy {accuracy} is below the plan's minimum {minimum}")
        what = f"evaluation {current['id']} of {current['digest']}"
        if problems:
            return Gate("evaluation", False, f"{what}: " + "; ".join(problems))
        return Gate("evaluation", True, f"{what} meets the plan's thresholds")
    if other_digests:
        return Gate("evaluation", False, f"the {other_digests} evaluation(s) recorded for {version.ref} are of other "
                    f"bytes, never of sha256:{version.root_digest}: run `secplan model evaluate {version.ref}`")
    metrics = version.lineage.get("metrics") or {}
    if not metrics and policy.get("min_accuracy") is None:
        return Gate("evaluation", True, "no evaluation recorded and the plan sets no minimum accuracy")
    problems: list[str] = []
    minimum = policy.get("min_accuracy")
    if minimum is not None:
        accuracy = metrics.get("accuracy")
        if not isinstance(accuracy, int | float):
            problems.append(f"no accuracy metric recorded (the plan requires at least {minimum})")
        elif accuracy < minimum:
            problems.append(f"accuracy {accuracy} is below the plan's minimum {minimum}")
    for key, limit_key in (("attack_success_rate", "max_attack_success_rate"),
                           ("membership_advantage", "max_membership_advantage")):
        value = metrics.get(key)
        limit = policy.get(limit_key)
        if isinstance(value, int | float) and limit is not None and value > limit:
            problems.append(f"{key} {value} is above the plan's maximum {limit}")
    if problems:
        return Gate("evaluation", False, "; ".join(problems))
    return Gate("evaluation", True, "registration metrics meet the plan's thresholds (no evaluation recorded)")


def _approval_pending(store: Store, target: str) -> bool:
    """Whether an approved, unused request by a second person exists (read only, nothing consumed)."""
    from sqlalchemy import select

    from secplan.human.records import ApprovalRequest

    with store.session() as session:
        rows = session.scalars(select(ApprovalRequest).where(
            ApprovalRequest.project_id == project_of(store).id, ApprovalRequest.action == PROMOTE_ACTION,
            ApprovalRequest.target == target, ApprovalRequest.state == "approved",
            ApprovalRequest.used_at.is_(None)))
        return any(r.decided_by != r.requester for r in rows)


def evaluate(store: Store, root: Path, manager: KeyManager, version: ModelVersion, stage: str) -> list[Gate]:
    """Every gate ``stage`` needs, except approval, which :func:`promote` consumes last."""
    needed = STAGE_GATES.get(stage, ())
    gates: list[Gate] = []
    if "signature" in needed:
        check = check_version(root, manager, version)
        gates.append(Gate("signature", check.ok, "signed and verifies" if check.ok else "; ".join(check.problems)))
    if "scan" in needed:
        safe = version.scan_verdict == "safe"
        gates.append(Gate("scan", safe, "artifact scan is safe" if safe else
                          f"artifact scan verdict is {version.scan_verdict} (needs safe)"))
    if "evaluation" in needed:
        from secplan.model.evaluate.results import current, evaluations

        found = current(store, version)
        others = 0 if found else len(evaluations(store, version.name, version.version))
        gates.append(evaluation_gate(version, _evaluation_policy(store), found, others))
    return gates


def promote(store: Store, root: Path, manager: KeyManager, ref: str, stage: str) -> dict[str, Any]:
    """Point ``stage`` at ``ref`` when every gate is met; otherwise raise :class:`PromotionRefused`."""
    from secplan.access import require
    from secplan.human.approvals import require_approval, sensitive_actions
    from secplan.identity import current_actor
    from secplan.ledger import record

    version = get_version(store, ref, exact=True)
    ref = version.ref
    stage = check_name(stage.strip().lower(), "stage")
    require(store, "write", f"model:{version.name}")
    target = f"model:{ref}"
    gates = evaluate(store, root, manager, version, stage)
    approval_id: int | None = None
    needs_approval = "approval" in STAGE_GATES.get(stage, ()) and PROMOTE_ACTION in sensitive_actions(store)
    if needs_approval:
        if all(g.met for g in gates):
            try:
                approval_id = require_approval(store, PROMOTE_ACTION, target)
                gates.append(Gate("approval", True, f"approved by a second person (request {approval_id})"))
            except PermissionDenied as exc:
                gates.append(Gate("approval", False, f"{exc.message}; request it with "
                                  f"`secplan request create {PROMOTE_ACTION} {target}`"))
        else:
            pending = _approval_pending(store, target)
            gates.append(Gate("approval", pending, "an approved request is waiting (not used: other gates unmet)"
                              if pending else f"no approved {PROMOTE_ACTION} request for {target} by a second "
                              "person"))
    unmet = [g.to_dict() for g in gates if not g.met]
    details = {"stage": stage, "gates": [g.to_dict() for g in gates]}
    if unmet:
        record(store, action="model.promote", obj=target, details=details, outcome="denied")
        raise PromotionRefused(ref, stage, unmet)
    with store.session() as session:
        session.add(PromotionRow(project_id=project_of(store).id, name=version.name, version=version.version, stage=stage,
                                 promoted_by=current_actor(), gates=json.dumps(details["gates"]),
                                 approval_id=approval_id))
    record(store, action="model.promote", obj=target, details=details | {"approval": approval_id})
    return {"model": ref, "stage": stage, "gates": details["gates"], "approval": approval_id}
