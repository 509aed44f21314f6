"""``secplan data anonymize`` end to end: real files, real store and ledger, real re-classification."""

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from secplan.cli.app import main

from .generate import people

POLICY = """
dataset: patients
columns:
  name: {op: redact}
  email: {op: pseudonymize}
  phone: {op: mask, keep_last: 2}
  card: {op: mask, keep_last: 4}
  age: {op: generalize, kind: age, width: 5}
  postcode: {op: generalize, kind: postcode, keep: 3}
  birth_date: {op: generalize, kind: date, level: year}
  income: {op: generalize, kind: numeric, width: 10000}
quasi_identifiers: [age, postcode, birth_date, sex]
sensitive: [diagnosis]
k: 5
l: 2
dp:
  budget: 1.0
  aggregates:
    - {name: mean_income, column: income, stat: mean, epsilon: 0.3, bounds: [0, 200000]}
    - {name: diagnoses, column: diagnosis, stat: counts, epsilon: 0.3, categories: [asthma, diabetes, flu, migraine]}
"""


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    return info.value.code


@pytest.fixture
def files(tmp_path, key_file):
    src = tmp_path / "patients.csv"
    people(800, seed=11).to_csv(src, index=False)
    policy = tmp_path / "patients.anonymize.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    return tmp_path, src, policy


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_anonymize_end_to_end(files, store, capsys):
    root, src, policy = files
    before = digest(src)
    out = root / "patients.anon.parquet"
    report_file = root / "report.json"
    code = run("data", "anonymize", str(src), str(out), "--policy", str(policy), "--label", "churn",
               "--report", str(report_file), "-C", str(store.home.parent), "-f", "json")
    assert code == 0
    assert digest(src) == before  # the input is never modified
    report = json.loads(capsys.readouterr().out)
    assert report == json.loads(report_file.read_text())
    released = pd.read_parquet(out)
    qis = ["age", "postcode", "birth_date", "sex"]
    assert released.groupby(qis, dropna=False).size().min() >= 5
    assert released.groupby(qis, dropna=False)["diagnosis"].nunique().min() >= 2
    assert report["privacy"]["epsilon_spent"] == pytest.approx(0.6)
    assert report["privacy"]["epsilon_remaining"] == pytest.approx(0.4)
    assert {a["name"] for a in report["aggregates"]} == {"mean_income", "diagnoses"}
    model = report["utility"]["model"]
    assert model["label"] == "churn" and 0 <= model["accuracy_anonymised"] <= 1
    # churn depends on age > 50: bands of 5 or 10 years keep most of the signal
    assert model["accuracy_anonymised"] >= model["accuracy_original"] - 0.15
    assert report["utility"]["columns"]["income"]["metric"] == "wasserstein_normalised"
    with store.engine.connect() as conn:
        actions = [r[0] for r in conn.execute(text("SELECT action FROM ledger_entries ORDER BY seq"))]
    assert actions == ["data.dp_release", "data.anonymize"]


def test_reclassifying_the_output_finds_no_direct_identifiers(files, store):
    classify = pytest.importorskip("secplan.data.classify.engine")
    ClassifyOptions = classify.ClassifyOptions

    root, src, policy = files
    out = root / "anon.csv"
    assert run("data", "anonymize", str(src), str(out), "--policy", str(policy), "-C", str(store.home.parent),
               "-f", "json") == 0
    before = classify.classify_dataset(src, ClassifyOptions(sample_rows=None))
    after = classify.classify_dataset(out, ClassifyOptions(sample_rows=None))
    found = {c.name: {e.type for e in c.entities} for c in before.columns}
    assert "EMAIL_ADDRESS" in found["email"] and "CREDIT_CARD" in found["card"]
    protected = {"name", "email", "phone", "card"}
    left = {c.name: {e.type for e in c.entities} for c in after.columns if c.name in protected and c.entities}
    assert left == {}


def test_budget_exhaustion_is_refused_and_writes_nothing(files, store, capsys):
    root, src, policy = files
    home = str(store.home.parent)
    assert run("data", "anonymize", str(src), str(root / "a.csv"), "--policy", str(policy), "-C", home) == 0
    capsys.readouterr()
    assert run("data", "anonymize", str(src), str(root / "b.csv"), "--policy", str(policy), "-C", home) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "exhausted" in err and "Traceback" not in err
    assert not (root / "b.csv").exists()


@pytest.mark.parametrize(("policy_text", "needle"), [
    ("columns: {email: {op: scramble}}", "invalid anonymisation policy"),
    ("columns: {ssn: {op: redact}}", "lacks: ssn"),
])
def test_bad_policy_exits_2_and_writes_nothing(files, store, capsys, policy_text, needle):
    root, src, policy = files
    policy.write_text(policy_text, encoding="utf-8")
    out = root / "out.csv"
    assert run("data", "anonymize", str(src), str(out), "--policy", str(policy), "-C", str(store.home.parent)) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert needle in err and "Traceback" not in err
    assert not out.exists()
    assert not list(root.glob(".out.csv*"))  # no temporary file left behind


def test_missing_key_output_equal_to_input_and_corrupt_input(files, store, capsys, monkeypatch, tmp_path):
    root, src, policy = files
    home = str(store.home.parent)
    assert run("data", "anonymize", str(src), str(src), "--policy", str(policy), "-C", home) == 2
    assert "must not be the input" in capsys.readouterr().err
    corrupt = tmp_path / "broken.parquet"
    corrupt.write_bytes(b"PAR1" + b"\x00" * 64)
    assert run("data", "anonymize", str(corrupt), str(root / "x.csv"), "--policy", str(policy), "-C", home) == 2
    assert "broken.parquet" in capsys.readouterr().err
    monkeypatch.delenv("SECPLAN_PSEUDONYM_KEY")
    assert run("data", "anonymize", str(src), str(root / "y.csv"), "--policy", str(policy), "-C", home) == 2
    assert "needs a key" in capsys.readouterr().err
    assert not (root / "y.csv").exists()
