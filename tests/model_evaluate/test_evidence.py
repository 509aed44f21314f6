"""Recorded evaluations as evidence: the collector keeps only results of a version's registered
digest, MS-3/MS-4/CS-2 judge them, and the production gate re-reads them against the plan."""

from __future__ import annotations

from pathlib import Path

import joblib
import pytest
import yaml
from sqlalchemy import text

from secplan.model.registry.gates import evaluate as gates_for
from secplan.model.registry.versions import get_version, register_model
from secplan.store.db import Store
from secplan.vocabulary import Outcome
from tests.model_evaluate.conftest import fit
from tests.model_evaluate.test_cli import FAST, run
from tests.probes.helpers import run_probe


def _by_ref(results) -> dict[str, list[tuple[Outcome, str]]]:
    out: dict[str, list[tuple[Outcome, str]]] = {}
    for r in results:
        out.setdefault(r.location.member if r.location else "", []).append((r.outcome, r.message))
    return out


@pytest.fixture
def evaluated(evaluation_project: Path, capsys) -> Path:
    """fair@1 (quality, fairness, explain) and proxy@1 (fairness, robustness, explain) evaluated and recorded."""
    for ref, suites in (("fair@1", "quality,fairness,explain"), ("proxy@1", "fairness,robustness,explain")):
        run(capsys, "model", "evaluate", ref, "--data", "test.csv", "--target", "label", "--suite", suites, *FAST)
    return evaluation_project


def test_probes_judge_recorded_results(evaluated: Path) -> None:
    fairness = _by_ref(run_probe("fairness-features-declared", evaluated))
    assert [o for o, _ in fairness["fair@1"]] == [Outcome.POSITIVE]
    proxy = fairness["proxy@1"]
    assert [o for o, _ in proxy] == [Outcome.NEGATIVE, Outcome.NEGATIVE]
    assert "min_parity_ratio (sex)" in proxy[0][1] and "reads zip_area" in proxy[1][1]

    robustness = _by_ref(run_probe("robustness-evaluated", evaluated))
    assert "fair@1" not in robustness  # its evaluation ran no robustness suite, and it is not staged
    assert len(robustness["proxy@1"]) == 1

    explained = _by_ref(run_probe("model-explained", evaluated))
    assert [o for o, _ in explained["fair@1"]] == [Outcome.POSITIVE]
    assert "top features" in explained["fair@1"][0][1]


def test_another_digest_never_counts(evaluated: Path) -> None:
    store = Store.for_project(evaluated)
    try:
        retrained = evaluated / "models" / "fair2.joblib"
        joblib.dump(fit("forest", __import__("pandas").read_csv(evaluated / "train.csv")), retrained)
        register_model(store, evaluated, retrained, "fair")  # fair@2: new bytes, no evaluation yet
        explained = _by_ref(run_probe("model-explained", evaluated))
        assert "fair@1" not in explained  # no longer the newest, not staged
        assert explained["fair@2"][0][0] == Outcome.NEGATIVE and "no evaluation of its digest" in \
            explained["fair@2"][0][1]
        with store.session() as session:  # a result whose digest is not proxy@1's registered one
            session.execute(text("UPDATE model_evaluations SET digest = 'sha256:' || :d WHERE name = 'proxy'"),
                            {"d": "0" * 64})
        assert "proxy@1" not in _by_ref(run_probe("fairness-features-declared", evaluated))
        [gate] = gates_for(store, evaluated, None, get_version(store, "proxy@1", exact=True), "production")[2:]
        assert not gate.met and "of other bytes" in gate.detail
    finally:
        store.dispose()


def test_production_gate_reads_the_result_against_the_current_plan(evaluated: Path) -> None:
    store = Store.for_project(evaluated)
    try:
        def gate(ref: str):
            found = [g for g in gates_for(store, evaluated, None, get_version(store, ref, exact=True), "production")
                     if g.gate == "evaluation"]
            return found[0]

        assert gate("fair@1").met, gate("fair@1").detail
        proxy = gate("proxy@1")
        assert not proxy.met and "min_parity_ratio (sex)" in proxy.detail
        plan_path = evaluated / "secplan.yaml"
        plan = yaml.safe_load(plan_path.read_text())
        plan["policy"]["evaluation"] = {"min_accuracy": 0.99, "min_parity_ratio": 0.999}
        plan_path.write_text(yaml.safe_dump(plan))
        tightened = gate("fair@1")
        assert not tightened.met and "accuracy" in tightened.detail and "vs the plan's limit 0.999" in tightened.detail
    finally:
        store.dispose()


def test_staged_versions_without_a_result_are_findings(project_dir: Path) -> None:
    from secplan.model.evaluate.evidence import EVALUATIONS, Evaluations, VersionToJudge
    from tests.probes.helpers import make_project

    make_project(project_dir, {"m.onnx": b"\x08"}, policy={"fairness": {"sensitive_features": ["sex"]}})
    staged = Evaluations(versions=(VersionToJudge("m@3", "sha256:c", "m.onnx", ("production",)),
                                   VersionToJudge("n@1", "sha256:d", "m.onnx", (), sensitive_data=True)))
    [ms4] = run_probe("robustness-evaluated", project_dir, provided={EVALUATIONS: staged})
    assert ms4.outcome == Outcome.NEGATIVE and "m@3 is in production without a robustness evaluation" in ms4.message
    cs2 = run_probe("fairness-features-declared", project_dir, provided={EVALUATIONS: staged})
    assert [(r.outcome, r.location.member) for r in cs2] == [(Outcome.NEGATIVE, "m@3"), (Outcome.NEGATIVE, "n@1")]
    assert "trained on confidential or restricted data" in cs2[1].message


def test_show_and_card_print_the_current_evaluation(evaluated: Path, capsys) -> None:
    code, out, _ = run(capsys, "model", "show", "proxy@1")
    assert code == 0 and "not met" in out and "min_parity_ratio (sex)" in out
    code, out, _ = run(capsys, "model", "card", "proxy@1", "--format", "markdown")
    assert "## Measured evaluation" in out and "| sex |" in out and "Proxies of a sensitive attribute" in out
    assert "zip_area" in out
    code, out, err = run(capsys, "model", "card", "fair@1", "--format", "html")
    assert code == 0, err
    assert out.count("<svg") >= 2 and "Permutation importance" in out  # fairness and importance bars
    code, out, _ = run(capsys, "model", "card", "fair@1", "--format", "json")
    import json

    card = json.loads(out)
    assert card["measured"]["digest"] == card["model"]["digest"] and set(card["measured"]["importance"]) == \
        {"income", "debt"}
    _card_page_draws_the_evaluation_as_accessible_svg(capsys)


def _svgs(page: str) -> list:
    import re
    import xml.etree.ElementTree as ET

    return [ET.fromstring(m) for m in re.findall(r'<svg class="plot".*?</svg>', page, flags=re.S)]


def _card_page_draws_the_evaluation_as_accessible_svg(capsys) -> None:
    """proxy@1's card page: one chart per kind, each named and described, reading out the recorded values."""
    import json

    code, page, _ = run(capsys, "model", "card", "proxy@1", "--format", "html")
    assert code == 0
    _, out, _ = run(capsys, "model", "card", "proxy@1", "--format", "json")
    measured = json.loads(out)["measured"]
    ns = "{http://www.w3.org/2000/svg}"
    charts = {svg.find(f"{ns}title").text: svg for svg in _svgs(page)}
    assert len(charts) == 3, list(charts)
    for svg in charts.values():  # named and described for assistive technology; no script inside
        assert svg.get("role") == "img" and not list(svg.iter(f"{ns}script"))
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert svg.find(f"{ns}title").get("id") == title_id and svg.find(f"{ns}desc").get("id") == desc_id
    [groups] = [svg for title, svg in charts.items() if title.startswith("Group rates by sex")]
    rates = measured["fairness"][0]["selection_rates"]
    desc = groups.find(f"{ns}desc").text
    for group, rate in rates.items():  # every group's selection rate is read out, and the four-fifths floor
        assert f"{group}: selection_rate {rate:.3g}" in desc
    assert f"four-fifths floor (0.8 x the highest rate) at {0.8 * max(rates.values()):.3g}" in desc
    curve = charts["Predictions that flip under Gaussian noise"]
    points = [(x, y) for x, y in measured["perturbation_curve"]]
    assert len(points) == 6 and len(list(curve.iter(f"{ns}circle"))) == 6
    assert "max_flip_rate 0.1 at 0.1" in curve.find(f"{ns}desc").text
    importance = charts["Permutation importance (top features)"]
    labels = [t.text for t in importance.iter(f"{ns}text") if t.get("text-anchor") == "end"]
    assert labels == list(measured["importance"])
