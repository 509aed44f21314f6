"""Promotion gates on SQLite and PostgreSQL: refused with each unmet gate listed, accepted when all are
met, approvals by the requester refused, every decision in the ledger."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from secplan.errors import PermissionDenied
from secplan.human import approvals
from secplan.ledger.query import find
from secplan.model.registry.gates import PromotionRefused, promote
from secplan.model.registry.signatures import sign_version
from secplan.model.registry.versions import promotions, register_model, stages
from tests.probes.helpers import make_project
from tests.registry.conftest import unsafe_pickle, write_model


def _setup(project_dir: Path, min_accuracy: float = 0.9) -> None:
    make_project(project_dir, project={"name": project_dir.name}, policy={"evaluation": {"min_accuracy": min_accuracy}})


def _metrics(project_dir: Path, accuracy: float) -> Path:
    path = project_dir / f"metrics-{accuracy}.json"
    path.write_text(json.dumps({"accuracy": accuracy, "slices": {"age>60": {"accuracy": accuracy - 0.05}}}))
    return path


def _approve(act_as, ref: str, store) -> int:
    act_as("alice")
    request_id = approvals.request(store, "model.promote", f"model:{ref}", reason="release")
    act_as("bob")
    approvals.decide(store, request_id)
    act_as("alice")
    return request_id


def _refusal(store, project_dir, signer, ref) -> list[str]:
    with pytest.raises(PromotionRefused) as err:
        promote(store, project_dir, signer, ref, "production")
    return [g["gate"] for g in err.value.unmet]


def test_each_unmet_gate_is_listed_then_all_met_promotes(store, project_dir, signer, team, act_as):
    _setup(project_dir)
    act_as("alice")
    good = write_model(project_dir / "models" / "good")
    register_model(store, project_dir, good, "fraud", metrics=_metrics(project_dir, 0.95))  # fraud@1

    # nothing done yet: unsigned and unapproved
    assert _refusal(store, project_dir, signer, "fraud@1") == ["signature", "approval"]
    # approved but unsigned: only the signature gate; the approval is not used up
    _approve(act_as, "fraud@1", store)
    assert _refusal(store, project_dir, signer, "fraud@1") == ["signature"]
    sign_version(store, project_dir, signer, "fraud@1", "model-signing", project_dir / "f1.sig")
    result = promote(store, project_dir, signer, "fraud@1", "production")
    assert [g["gate"] for g in result["gates"]] == ["signature", "scan", "evaluation", "approval"]
    assert stages(store)[("fraud", "production")] == "1"

    # an unsafe artifact: only the scan gate
    bad = write_model(project_dir / "models" / "bad", seed=1)
    unsafe_pickle(bad / "extra.pkl")
    register_model(store, project_dir, bad, "fraud", metrics=_metrics(project_dir, 0.95))  # fraud@2
    sign_version(store, project_dir, signer, "fraud@2", "model-signing", project_dir / "f2.sig")
    _approve(act_as, "fraud@2", store)
    assert _refusal(store, project_dir, signer, "fraud@2") == ["scan"]

    # accuracy below the plan's minimum: only the evaluation gate
    weak = write_model(project_dir / "models" / "weak", seed=2)
    register_model(store, project_dir, weak, "fraud", metrics=_metrics(project_dir, 0.5))  # fraud@3
    sign_version(store, project_dir, signer, "fraud@3", "model-signing", project_dir / "f3.sig")
    _approve(act_as, "fraud@3", store)
    assert _refusal(store, project_dir, signer, "fraud@3") == ["evaluation"]

    # signed, safe, accurate, but the approval was used by the first promotion: only approval
    assert _refusal(store, project_dir, signer, "fraud@1") == ["approval"]

    # files changed after signing: the signature gate names the file
    (good / "config.json").write_text("{}")
    with pytest.raises(PromotionRefused, match=re.escape("changed: config.json")):
        promote(store, project_dir, signer, "fraud@1", "staging")

    entries = find(store, action="model.promote")
    assert [e.outcome for e in entries].count("success") == 1
    assert [e.outcome for e in entries].count("denied") == 6
    assert [p["version"] for p in promotions(store)] == ["1"]


def test_requester_cannot_approve_own_promotion(store, project_dir, team, act_as):
    _setup(project_dir)
    act_as("bob")
    request_id = approvals.request(store, "model.promote", "model:fraud@1")
    with pytest.raises(PermissionDenied, match="two-person rule"):
        approvals.decide(store, request_id)


def test_viewer_may_not_promote(store, project_dir, signer, team, act_as):
    _setup(project_dir)
    act_as("alice")
    register_model(store, project_dir, write_model(project_dir / "m"), "fraud")
    act_as("carol")
    with pytest.raises(PermissionDenied) as err:
        promote(store, project_dir, signer, "fraud@1", "candidate")
    assert err.value.exit_code == 3
    act_as("alice")
    assert promote(store, project_dir, signer, "fraud@1", "candidate")["gates"] == []
