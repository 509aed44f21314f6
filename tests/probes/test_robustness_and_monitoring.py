"""MS-4 and MS-5 defer to the evaluation engine and the gateway; without them a person must show evidence."""

from secplan.vocabulary import Outcome

from .helpers import collector_installed, make_project, outcomes, run_probe


def test_robustness_without_evaluations_is_manual(project_dir):
    make_project(project_dir, {"m.onnx": b"\x08"})
    expected = [] if collector_installed("evaluations") else [Outcome.NO_EVIDENCE]
    assert outcomes(run_probe("robustness-evaluated", project_dir)) == expected


def test_monitoring_only_for_served_models(project_dir):
    make_project(project_dir, {"m.onnx": b"\x08"})
    assert outcomes(run_probe("monitoring-configured", project_dir)) == [Outcome.NOT_APPLICABLE]
    make_project(project_dir, {"m.onnx": b"\x08"}, assets=[{"path": "m.onnx", "uses": ["serving"]}])
    expected = [] if collector_installed("monitoring") else [Outcome.NO_EVIDENCE]
    assert outcomes(run_probe("monitoring-configured", project_dir)) == expected
