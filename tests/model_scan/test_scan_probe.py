"""The assessment side: the model_scan collector and the model-artifact-unsafe probe (MS-6)."""

from __future__ import annotations

import pickle
from pathlib import Path

from secplan.assess.registry import all_probes
from secplan.vocabulary import Outcome, Severity

from ..probes.helpers import collector_installed, make_project, run_probe
from .corpus import call_system, safetensors_bytes, su

PROBE = "model-artifact-unsafe"


def test_probe_is_registered_for_ms6() -> None:
    probe = next(p for p in all_probes() if p.id == PROBE)
    assert probe.definition.control == "MS-6" and probe.definition.severity is Severity.CRITICAL
    assert collector_installed("model_scan")


def test_verdicts_become_results(tmp_path: Path) -> None:
    root = make_project(tmp_path, {
        "models/clean.pkl": pickle.dumps({"w": [1.0]}),
        "models/evil.pt": call_system("id"),
        "models/plugin.joblib": b"\x80\x04" + su("acme") + su("Thing") + b"\x93)R.",
        "models/broken.pkl": b"\x80\x04\x95",
        "models/weights.safetensors": safetensors_bytes(
            {"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\x00" * 4),
        "artifacts/disguised.dat": call_system("id"),  # found by content, not by name
        "README.md": "# project\n",
    })
    results = {r.location.path if r.location else r.message: r for r in run_probe(PROBE, root)}
    assert results["models/clean.pkl"].outcome is Outcome.POSITIVE
    assert results["models/weights.safetensors"].outcome is Outcome.POSITIVE
    evil = results["models/evil.pt"]
    assert evil.outcome is Outcome.NEGATIVE and evil.severity is Severity.CRITICAL and "os.system" in evil.message
    assert results["models/plugin.joblib"].severity is Severity.HIGH
    broken = results["models/broken.pkl"]
    assert broken.outcome is Outcome.NEGATIVE and broken.severity is Severity.HIGH
    assert results["artifacts/disguised.dat"].outcome is Outcome.NEGATIVE
    assert "README.md" not in results


def test_no_models_is_not_applicable(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"src/train.py": "print('hi')\n"})
    assert [r.outcome for r in run_probe(PROBE, root)] == [Outcome.NOT_APPLICABLE]


def test_project_policy_file_extends_the_allowlist(tmp_path: Path) -> None:
    plugin = b"\x80\x04" + su("acme.models") + su("Scorer") + b"\x93)R."
    root = make_project(tmp_path, {"models/scorer.pkl": plugin,
                                   ".secplan/model-scan-policy.yml": "allow: ['acme.models:Scorer']\n"})
    [result] = run_probe(PROBE, root)
    assert result.outcome is Outcome.POSITIVE


def test_onnx_external_weights_are_not_findings(tmp_path: Path) -> None:
    import onnx

    from .corpus import onnx_model

    root = make_project(tmp_path, {})
    (root / "export").mkdir()
    onnx.save_model(onnx_model(), str(root / "export" / "model.onnx"), save_as_external_data=True,
                    location="weights.bin", size_threshold=0)
    outcomes = {r.location.path: r.outcome for r in run_probe(PROBE, root) if r.location}
    assert outcomes == {"export/model.onnx": Outcome.POSITIVE, "export/weights.bin": Outcome.POSITIVE}
