"""``secplan data validate``: profiles, baselines, rules, exit codes, bad input."""

import json

import pandas as pd
import pytest

from secplan.cli.app import main
from secplan.data.validate.rules import check_rules, load_rules
from secplan.errors import InputError

from .generate import training


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    return info.value.code


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SECPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    training(1200, seed=1).to_parquet(tmp_path / "train.parquet")
    training(800, seed=2).to_csv(tmp_path / "next.csv", index=False)
    return tmp_path


def test_profile_then_validate_against_it(project, capsys):
    profile = project / "train.parquet.profile.json"
    assert run("data", "validate", str(project / "train.parquet"), "--write-profile", str(profile),
               "--label", "label", "-C", str(project), "-f", "json") == 0
    written = json.loads(capsys.readouterr().out)
    assert written["profile_written"] == str(profile) and written["passed"] is True
    assert json.loads(profile.read_text())["columns"]["plan"]["categories"]
    assert run("data", "validate", str(project / "next.csv"), "--profile", str(profile),
               "--against", str(project / "train.parquet"), "-f", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == [] and report["summary"]["high"] == 0


def test_failures_at_or_above_fail_on_exit_1(project, capsys):
    profile = project / "p.json"
    run("data", "validate", str(project / "train.parquet"), "--write-profile", str(profile), "-C", str(project))
    capsys.readouterr()
    bad = pd.read_csv(project / "next.csv").drop(columns=["visits"])
    bad.to_csv(project / "bad.csv", index=False)
    assert run("data", "validate", str(project / "bad.csv"), "--profile", str(profile), "--no-label-noise") == 1
    out = capsys.readouterr().out
    assert "visits" in out and "missing" in out
    assert run("data", "validate", str(project / "bad.csv"), "--profile", str(profile), "--no-label-noise",
               "--fail-on", "critical") == 0


@pytest.mark.parametrize(("setup", "argv", "needle"), [
    (lambda p: (p / "empty.csv").write_text(""), ["empty.csv"], "empty"),
    (lambda p: (p / "ragged.csv").write_text("a,b\n1,2\n3\n"), ["ragged.csv"], "ragged.csv"),
    (lambda p: (p / "latin1.csv").write_bytes("name\nJos\xe9\n".encode("latin-1")), ["latin1.csv"], "latin1.csv"),
    (lambda p: (p / "notes.txt").write_text("just text"), ["notes.txt"], "not a table"),
    (lambda p: (p / "x.parquet").write_bytes(b"PAR1garbagePAR1"), ["x.parquet"], "x.parquet"),
    (lambda p: (p / "b.json").write_text("{not json"), ["next.csv", "--profile", "b.json"], "not valid JSON"),
    (lambda p: (p / "b.json").write_text('{"version": 1}'), ["next.csv", "--profile", "b.json"], "not a secplan profile"),
    (lambda p: (p / "r.yaml").write_text("rules: [{column: x1, mim: 0}]"), ["next.csv", "--rules", "r.yaml"], "mim"),
    (lambda p: None, ["next.csv", "--label", "nope"], "'nope'"),
    (lambda p: None, ["next.csv", "--profile", "a.json", "--write-profile", "b.json"], "not both"),
])
def test_bad_input_exits_2_with_a_clear_message(project, capsys, setup, argv, needle):
    setup(project)
    args = [str(project / a) if (project / a).exists() or a.endswith((".json", ".yaml")) else a for a in argv]
    assert run("data", "validate", *args) == 2
    err = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
    assert needle in err and "Traceback" not in err


def test_rules_fire_and_stay_quiet(tmp_path):
    rules_file = tmp_path / "r.rules.yaml"
    rules_file.write_text("""
thresholds: {duplicate_share: 0.5}
rules:
  - {column: x2, min: 0, max: 100}
  - {column: customer, unique: true, not_null: true, pattern: 'C\\d\\d-\\d{6}'}
  - {column: plan, allowed: [basic, plus, pro], severity: medium}
  - {column: visits, max_null_rate: 0.01}
""", encoding="utf-8")
    ruleset = load_rules(rules_file)
    assert ruleset.thresholds.duplicate_share == 0.5
    clean = training(500, seed=4)
    assert check_rules(clean, ruleset) == []
    bad = clean.copy()
    bad.loc[0, "x2"] = -5
    bad.loc[1, "customer"] = bad.loc[2, "customer"]
    bad.loc[3, "customer"] = "someone@example.com"
    bad.loc[4, "plan"] = "gold"
    bad["visits"] = bad["visits"].astype("float64")
    bad.loc[bad.index[:20], "visits"] = float("nan")
    found = {f.column: f.details for f in check_rules(bad, ruleset)}
    assert found["x2"] == {"below_min": 1}
    assert found["customer"] == {"not_unique": 1, "pattern_mismatch": 1}
    assert found["plan"] == {"not_allowed": 1}
    assert found["visits"]["null_rate"] == pytest.approx(0.04)
    missing = check_rules(clean.drop(columns=["plan"]), ruleset)
    assert [f.message for f in missing] == ["rule names column 'plan', which is missing"]


def test_bad_pattern_is_refused(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("rules: [{column: a, pattern: '(unclosed'}]")
    with pytest.raises(InputError, match="pattern does not compile"):
        load_rules(path)
