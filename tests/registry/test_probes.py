"""The registry's probes on real projects: MS-1 registration, signatures and lineage; MS-3 cards; MS-6."""

from __future__ import annotations

import json

from secplan.human import approvals
from secplan.model.registry.gates import promote
from secplan.model.registry.signatures import sign_version
from secplan.model.registry.versions import register_model
from secplan.vocabulary import Outcome
from tests.probes.helpers import make_project, run_probe
from tests.registry.conftest import write_model


def _by_outcome(results):
    return {(r.outcome, r.location.path if r.location else None, r.message) for r in results}


def test_ms1_unregistered_unsigned_signed_changed(store, project_dir, signer):
    make_project(project_dir, project={"name": project_dir.name})
    model = write_model(project_dir / "models" / "fraud")
    results = run_probe("model-registered-signed", project_dir)
    assert [(r.outcome, r.location.path) for r in results] == [(Outcome.NEGATIVE, "models/fraud/model.safetensors")]
    assert "not registered" in results[0].message
    assert run_probe("model-provenance-recorded", project_dir) == []  # the foundation probe defers to these

    register_model(store, project_dir, model, "fraud")
    [result] = run_probe("model-registered-signed", project_dir)
    assert result.outcome == Outcome.NEGATIVE and "fraud@1 is not signed" in result.message

    sign_version(store, project_dir, signer, "fraud@1", "model-signing", project_dir / "fraud.sig")
    [result] = run_probe("model-registered-signed", project_dir)
    assert result.outcome == Outcome.POSITIVE, result.message

    (model / "tok" / "vocab.txt").write_text("changed")  # not an artifact itself, but in the signed manifest
    [result] = run_probe("model-registered-signed", project_dir)
    assert result.outcome == Outcome.NEGATIVE and "changed: tok/vocab.txt" in result.message
    (model / "tok" / "vocab.txt").write_text("a\nb\nc\n")
    with (model / "model.safetensors").open("ab") as f:
        f.write(b"\0")
    [result] = run_probe("model-registered-signed", project_dir)
    assert result.outcome == Outcome.NEGATIVE and "changed since it was registered" in result.message


def test_ms1_lineage_needs_dataset_versions(store, project_dir, dataset):
    make_project(project_dir, project={"name": project_dir.name})
    assert [r.outcome for r in run_probe("lineage-has-dataset-versions", project_dir)] == [Outcome.NOT_APPLICABLE]
    register_model(store, project_dir, write_model(project_dir / "a"), "a")
    register_model(store, project_dir, write_model(project_dir / "b"), "b", datasets=[str(dataset)])
    results = run_probe("lineage-has-dataset-versions", project_dir)
    assert sorted((r.outcome, r.location.member) for r in results) == [
        (Outcome.NEGATIVE, "a@1"), (Outcome.POSITIVE, "b@1")]


def test_ms3_ms6_production_versions(store, project_dir, signer, team, act_as):
    make_project(project_dir, project={"name": project_dir.name})
    for probe in ("production-model-card", "deployed-version-verified"):
        assert [r.outcome for r in run_probe(probe, project_dir)] == [Outcome.NOT_APPLICABLE]
    card = project_dir / "card.yml"
    card.write_text("intended_use: triage\nlimitations: not for credit decisions\n")
    metrics = project_dir / "metrics.json"
    metrics.write_text(json.dumps({"accuracy": 0.9}))
    act_as("alice")
    model = write_model(project_dir / "models" / "fraud")
    register_model(store, project_dir, model, "fraud", card=card, metrics=metrics)
    sign_version(store, project_dir, signer, "fraud@1", "model-signing", project_dir / "fraud.sig")
    request_id = approvals.request(store, "model.promote", "model:fraud@1")
    act_as("bob")
    approvals.decide(store, request_id)
    act_as("alice")
    promote(store, project_dir, signer, "fraud@1", "production")
    assert [r.outcome for r in run_probe("production-model-card", project_dir)] == [Outcome.POSITIVE]
    assert [r.outcome for r in run_probe("deployed-version-verified", project_dir)] == [Outcome.POSITIVE]

    (model / "config.json").write_text("{}")  # changed after promotion
    [result] = run_probe("deployed-version-verified", project_dir)
    assert result.outcome == Outcome.NEGATIVE and "changed: config.json" in result.message


def test_ms3_card_without_intended_use(store, project_dir, signer):
    make_project(project_dir, project={"name": project_dir.name},
                 policy={"approvals": {"two_person_rule": []}})
    register_model(store, project_dir, write_model(project_dir / "m"), "m")
    sign_version(store, project_dir, signer, "m@1", "model-signing", project_dir / "m.sig")
    promote(store, project_dir, signer, "m@1", "production")  # no approval gate in this plan
    [card] = run_probe("production-model-card", project_dir)
    assert card.outcome == Outcome.NEGATIVE and "intended_use or limitations" in card.message
    [deployed] = run_probe("deployed-version-verified", project_dir)
    assert deployed.outcome == Outcome.NEGATIVE and "without the gates: approval" in deployed.message


def test_ms1_declared_model_folder_is_judged_as_a_whole(store, project_dir, signer):
    make_project(project_dir, project={"name": project_dir.name},
                 assets=[{"path": "models/fraud", "kind": "model", "owner": "ml@example.com"}])
    model = write_model(project_dir / "models" / "fraud")
    register_model(store, project_dir, model, "fraud")
    sign_version(store, project_dir, signer, "fraud@1", "model-signing", project_dir / "fraud.sig")
    results = run_probe("model-registered-signed", project_dir)
    assert [(r.outcome, r.location.path) for r in results] == [(Outcome.POSITIVE, "models/fraud")]
