"""``secplan model evaluate`` end to end, in process, on models loaded by a real worker: the JSON
contract, exit codes 0/1/2, the stored and ledgered result, and models refused before any load."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from secplan.cli.app import main
from secplan.ledger.query import find
from secplan.model.evaluate.results import evaluations
from secplan.store.db import Store

FAST = ("--budget", "300", "--seed", "3")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


def test_json_contract_and_record(evaluation_project: Path, capsys) -> None:
    code, out, err = run(capsys, "model", "evaluate", "fair@1", "--data", "test.csv", "--train", "train.csv",
                         "--target", "label", "--format", "json", *FAST)
    doc = json.loads(out)
    assert code == (1 if doc["passed"] is False else 0), err
    assert doc["model"] == "fair@1" and doc["digest"].startswith("sha256:")
    suites = doc["suites"]
    assert set(suites) == {"quality", "robustness", "privacy", "fairness", "explain"}
    assert isinstance(suites["quality"]["metrics"]["accuracy"], float) and suites["quality"]["metrics"]["accuracy"] > 0.7
    robustness = suites["robustness"]
    assert isinstance(robustness["perturbation_flip_rate"], float)
    assert robustness["attacks"][0]["name"] == "hop_skip_jump" and 0 < robustness["attacks"][0]["queries"] <= 300 + 60
    privacy = suites["privacy"]
    assert 0.3 < privacy["membership_auc"] < 0.7
    assert set(privacy["extraction_fidelity"]) == {"50", "500", "5000"}
    fairness = suites["fairness"]  # sex came from the plan's sensitive features
    assert [f["feature"] for f in fairness["features"]] == ["sex"] and fairness["passed"] is True
    assert fairness["proxies"] == ["zip_area"] or fairness["proxies"] == []  # zip_area is no input of fair@1
    assert {i["feature"] for i in suites["explain"]["importance"]} == {"income", "debt"}
    assert suites["explain"]["passed"] is None
    store = Store.for_project(evaluation_project)
    try:
        [stored] = evaluations(store, "fair", "1")
        assert stored["digest"] == doc["digest"] and stored["result"]["suites"].keys() == suites.keys()
        assert [e.object for e in find(store, action="model.evaluate")] == ["model:fair@1"]
    finally:
        store.dispose()


def test_a_proxy_model_fails_fairness_and_exits_1(evaluation_project: Path, capsys) -> None:
    code, out, err = run(capsys, "model", "evaluate", "proxy@1", "--data", "test.csv", "--target", "label",
                         "--sensitive", "sex", "--suite", "fairness,quality", "--no-store", *FAST)
    assert code == 1, err
    assert "fairness" in out and "fail" in out and "min_parity_ratio" in out
    assert "proxies: zip_area" in out
    store = Store.for_project(evaluation_project)
    try:
        assert evaluations(store, "proxy") == []  # --no-store
    finally:
        store.dispose()


def test_same_seed_same_result(evaluation_project: Path, capsys) -> None:
    docs = []
    for _ in range(2):
        _, out, _ = run(capsys, "model", "evaluate", "fair@1", "--data", "test.csv", "--target", "label",
                        "--suite", "robustness", "--format", "json", "--no-store", *FAST)
        docs.append(json.loads(out)["suites"])
    assert docs[0] == docs[1]


@pytest.mark.parametrize(("args", "message"), [
    (("fair@1", "--data", "missing.csv", "--target", "label"), "--data missing.csv: no such file"),
    (("fair@1", "--data", "test.csv", "--target", "nope"), "no column 'nope'"),
    (("fair@1", "--data", "test.csv", "--target", "label", "--suite", "speed"), "--suite speed: unknown"),
    (("fair@1", "--data", "test.csv", "--target", "label", "--budget", "0"), "--budget must be at least 1"),
    (("fair@1", "--data", "test.csv", "--target", "label", "--sensitive", "race"), "no column 'race'"),
    (("fair", "--data", "test.csv", "--target", "label"), "give NAME@VERSION"),
    (("fair@9", "--data", "test.csv", "--target", "label"), "fair@9"),
    (("fair@1", "--data", "test.csv", "--target", "label", "--endpoint", "ftp://x"), "http:// or https://"),
])
def test_bad_input_exits_2_without_traceback(evaluation_project: Path, capsys, args, message) -> None:
    code, _, err = run(capsys, "model", "evaluate", *args)
    assert code == 2, err
    assert message in err and "Traceback" not in err


def test_tampered_and_unscanned_pickles_are_refused_before_load(evaluation_project: Path, capsys) -> None:
    from secplan.model.registry.versions import register_model

    model = evaluation_project / "models" / "fair.joblib"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0x01
    model.write_bytes(bytes(data))
    code, _, err = run(capsys, "model", "evaluate", "fair@1", "--data", "test.csv", "--target", "label", *FAST)
    assert code == 1 and "do not match the registered digest" in err and "Traceback" not in err

    canary = evaluation_project / "loaded"

    class Canary:
        def __reduce__(self):
            return (open, (str(canary), "w"))

    evil = evaluation_project / "models" / "evil.pkl"
    evil.write_bytes(pickle.dumps(Canary()))
    store = Store.for_project(evaluation_project)
    try:
        register_model(store, evaluation_project, evil, "evil")
    finally:
        store.dispose()
    code, _, err = run(capsys, "model", "evaluate", "evil@1", "--data", "test.csv", "--target", "label", *FAST)
    assert code == 1 and "refused before loading" in err
    assert not canary.exists()
