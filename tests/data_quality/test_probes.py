"""The DS-6 and DS-7 probes on small projects built on disk."""

from pathlib import Path

import pytest
import yaml

from secplan.assess.evidence import Evidence
from secplan.assess.registry import all_probes
from secplan.data.validate import build_profile
from secplan.data.validate.profile import save_profile
from secplan.plan.loader import parse_plan
from secplan.vocabulary import Outcome

from .generate import training

POLICY_OK = "columns: {email: {op: pseudonymize}, age: {op: generalize, kind: age}}\nquasi_identifiers: [age]\nk: 5\n"


def project(root: Path, assets: list[dict], files: dict[str, str] | None = None, policy: dict | None = None) -> Path:
    for rel, content in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    plan = {"version": 1, "project": {"name": "t"}, "assets": assets, **({"policy": policy} if policy else {})}
    (root / "secplan.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    return root


def run_probe(probe_id: str, root: Path):
    plan = parse_plan((root / "secplan.yaml").read_text(encoding="utf-8"))
    probe = next(p for p in all_probes() if p.id == probe_id)
    return list(probe.run(Evidence(root, plan)))


def by_path(results):
    return {(r.location.path if r.location else None): r.outcome for r in results}


def test_ds6_policy_present_missing_invalid_or_weak(project_dir):
    project(project_dir, [
        {"path": "data/ok.csv", "classification": "restricted", "uses": ["training"]},
        {"path": "data/none.csv", "classification": "confidential", "uses": ["shared"]},
        {"path": "data/bad.csv", "classification": "confidential", "uses": ["training"]},
        {"path": "data/weak.csv", "classification": "confidential", "uses": ["training"]},
        {"path": "data/declared.csv", "classification": "restricted", "uses": ["training"], "anonymised": True},
        {"path": "data/public.csv", "classification": "public", "uses": ["training"]},
        {"path": "data/eval.csv", "classification": "restricted", "uses": ["evaluation"]},
    ], {
        **{f"data/{n}.csv": "a\n1\n" for n in ("ok", "none", "bad", "weak", "declared", "public", "eval")},
        "data/ok.csv.anonymize.yaml": POLICY_OK,
        "data/bad.csv.anonymize.yaml": "columns: {email: {op: scramble}}",
        "data/weak.csv.anonymize.yaml": POLICY_OK.replace("k: 5", "k: 2"),
    })
    results = run_probe("anonymisation-policy-missing", project_dir)
    assert by_path(results) == {
        "data/ok.csv": Outcome.POSITIVE,
        "data/none.csv": Outcome.NEGATIVE,
        "data/bad.csv.anonymize.yaml": Outcome.NEGATIVE,
        "data/weak.csv.anonymize.yaml": Outcome.NEGATIVE,
        "data/declared.csv": Outcome.POSITIVE,
    }
    messages = " ".join(r.message for r in results)
    assert "below the plan's min_k=5" in messages and "invalid" in messages


def test_ds6_policy_under_state_folder_and_scope(project_dir):
    project(project_dir, [{"path": "p.csv", "classification": "restricted", "uses": ["shared"]}],
            {"p.csv": "a\n1\n", ".secplan/policies/p.csv.anonymize.yaml": POLICY_OK})
    assert by_path(run_probe("anonymisation-policy-missing", project_dir)) == {"p.csv": Outcome.POSITIVE}
    project(project_dir, [{"path": "p.csv", "classification": "restricted", "uses": ["shared"]}],
            {"p.csv": "a\n1\n"}, policy={"anonymisation": {"required_for": ["training"]}})
    assert [r.outcome for r in run_probe("anonymisation-policy-missing", project_dir)] == [Outcome.NOT_APPLICABLE]


@pytest.fixture
def training_project(project_dir):
    training(600, seed=1).to_csv(project_dir / "train.csv", index=False)
    training(600, seed=2).to_csv(project_dir / "fresh.csv", index=False)
    save_profile(build_profile(training(600, seed=1), "train.csv", label="label"),
                 project_dir / "fresh.csv.profile.json")
    return project(project_dir, [
        {"path": "train.csv", "uses": ["training"]},
        {"path": "fresh.csv", "uses": ["training"]},
    ])


def test_ds7_no_baseline_is_negative_and_clean_data_positive(training_project):
    results = run_probe("training-data-validation", training_project)
    assert by_path(results) == {"train.csv": Outcome.NEGATIVE, "fresh.csv": Outcome.POSITIVE}


def test_ds7_validation_failures_are_negative(training_project):
    import pandas as pd

    frame = pd.read_csv(training_project / "fresh.csv").drop(columns=["visits"])
    pd.concat([frame] + [frame.iloc[[3]]] * 12, ignore_index=True).to_csv(training_project / "fresh.csv", index=False)
    (training_project / "fresh.csv.rules.yaml").write_text("rules: [{column: x2, max: 60}]")
    results = [r for r in run_probe("training-data-validation", training_project)
               if r.location and r.location.path == "fresh.csv"]
    assert all(r.outcome == Outcome.NEGATIVE for r in results)
    found = {(r.message.split(":")[0], r.location.member) for r in results}
    assert {("schema", "visits"), ("poisoning", None), ("rule", "x2")} <= found


def test_ds7_not_applicable_without_training_data(project_dir):
    project(project_dir, [{"path": "eval.csv", "uses": ["evaluation"]}], {"eval.csv": "a\n1\n"})
    assert [r.outcome for r in run_probe("training-data-validation", project_dir)] == [Outcome.NOT_APPLICABLE]


def test_ds6_detected_personal_data_counts_even_when_declared_lower(project_dir):
    pytest.importorskip("secplan.data.classify.collect")
    from .generate import people

    people(300, seed=3).to_csv(project_dir / "customers.csv", index=False)
    project(project_dir, [{"path": "customers.csv", "classification": "internal", "uses": ["training"]}])
    results = run_probe("anonymisation-policy-missing", project_dir)
    assert by_path(results) == {"customers.csv": Outcome.NEGATIVE}
    assert results[0].details["declared"] == "internal"
    assert results[0].details["detected"] in ("confidential", "restricted")
