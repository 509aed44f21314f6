"""MS-4 and MS-5 judge the evaluation engine's and the gateway's records; without an engine they say so."""

import datetime as dt

from secplan.model.evaluate.evidence import EVALUATIONS, Evaluation, Evaluations, SuiteResult
from secplan.model.monitor.evidence import MONITORING, Monitor, Monitoring
from secplan.vocabulary import Outcome

from .helpers import collector_installed, make_project, outcomes, run_probe

WHEN = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def test_robustness_without_an_engine_is_an_error(project_dir):
    make_project(project_dir, {"m.onnx": b"\x08"})
    results = run_probe("robustness-evaluated", project_dir)
    if not collector_installed("evaluations"):
        assert outcomes(results) == [Outcome.ERROR]
        assert "no installed engine provides evaluations" in results[0].message


def test_robustness_judged_from_evaluations(project_dir):
    make_project(project_dir, {"m.onnx": b"\x08"})
    evals = Evaluations((
        Evaluation("m", "1", "sha256:a", (SuiteResult("robustness", True, {"accuracy_drop": 0.02}),), WHEN),
        Evaluation("m", "2", "sha256:b", (SuiteResult("robustness", False, {"accuracy_drop": 0.4}),), WHEN),
    ))
    results = run_probe("robustness-evaluated", project_dir, provided={EVALUATIONS: evals})
    assert outcomes(results) == [Outcome.POSITIVE, Outcome.NEGATIVE]
    assert "m@2" in results[1].message
    assert outcomes(run_probe("robustness-evaluated", project_dir, provided={EVALUATIONS: Evaluations()})) == \
        [Outcome.NO_EVIDENCE]


def test_monitoring_only_for_served_models(project_dir):
    make_project(project_dir, {"m.onnx": b"\x08"})
    assert outcomes(run_probe("monitoring-configured", project_dir, provided={MONITORING: Monitoring()})) == \
        [Outcome.NOT_APPLICABLE]
    make_project(project_dir, {"m.onnx": b"\x08"}, assets=[{"path": "m.onnx", "uses": ["serving"]}])
    monitors = Monitoring((Monitor("m@1", "sha256:a", True, True), Monitor("m@2", "sha256:b", True, False)))
    assert outcomes(run_probe("monitoring-configured", project_dir, provided={MONITORING: monitors})) == \
        [Outcome.POSITIVE, Outcome.NEGATIVE]
    if not collector_installed("monitoring"):
        assert outcomes(run_probe("monitoring-configured", project_dir)) == [Outcome.ERROR]
