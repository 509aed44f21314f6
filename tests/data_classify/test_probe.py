"""The DS-4 probe ``dataset-classification-exceeds-declared`` and the collector behind it."""

from __future__ import annotations

from pathlib import Path

from secplan.vocabulary import Outcome
from tests.probes.helpers import make_project, negatives, outcomes, run_probe

ID = "dataset-classification-exceeds-declared"
CARDS = "order,card\n" + "".join(f"{i},4111111111111111\n" for i in range(30))
EMAILS = "user,email\n" + "".join(f"{i},user{i}@example.org\n" for i in range(30))
PLAIN = "sku,price\n" + "".join(f"A-{i},{i}.50\n" for i in range(30))


def test_detected_above_declared_is_negative(tmp_path: Path) -> None:
    make_project(tmp_path, {"data/cards.csv": CARDS, "data/plain.csv": PLAIN},
                 assets=[{"path": "data/cards.csv", "classification": "internal"},
                         {"path": "data/plain.csv", "classification": "internal"}])
    results = run_probe(ID, tmp_path)
    [finding] = negatives(results)
    assert finding.location.path == "data/cards.csv"
    assert "restricted" in finding.message and "CREDIT_CARD" in finding.message
    assert finding.severity == "high"
    assert any(r.outcome == Outcome.POSITIVE and r.location.path == "data/plain.csv" for r in results)


def test_undeclared_personal_data_is_negative_and_directory_assets_roll_up(tmp_path: Path) -> None:
    make_project(tmp_path, {"raw/emails.csv": EMAILS, "curated/a/cards.csv": CARDS, "curated/b.csv": PLAIN},
                 assets=[{"path": "curated", "classification": "restricted"}])
    results = run_probe(ID, tmp_path)
    assert [r.location.path for r in negatives(results)] == ["raw/emails.csv"]
    assert "confidential" in negatives(results)[0].message
    assert any(r.outcome == Outcome.POSITIVE and r.location.path == "curated" for r in results)


def test_unreadable_dataset_is_no_evidence_and_no_data_not_applicable(tmp_path: Path) -> None:
    make_project(tmp_path, {"data/broken.jsonl": '{"a": 1}\n{"a": \n'},
                 assets=[{"path": "data/broken.jsonl", "classification": "internal"}])
    results = run_probe(ID, tmp_path)
    assert outcomes(results) == [Outcome.NO_EVIDENCE]
    assert "line 2" in results[0].message
    other = tmp_path / "empty_project"
    other.mkdir()
    make_project(other, {"main.py": "print(1)\n"})
    assert outcomes(run_probe(ID, other)) == [Outcome.NOT_APPLICABLE]


def test_plan_override_lowers_an_entity(tmp_path: Path) -> None:
    make_project(tmp_path, {"data/emails.csv": EMAILS},
                 assets=[{"path": "data/emails.csv", "classification": "internal"}],
                 policy={"classification": {"entity_overrides": {"EMAIL_ADDRESS": "internal"}}})
    assert outcomes(run_probe(ID, tmp_path)) == [Outcome.POSITIVE]
