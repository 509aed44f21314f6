"""Real artifacts made by real libraries must be safe: the allowlist covers what they use."""

from __future__ import annotations

from pathlib import Path

import pytest

from secplan.model.scan import Verdict, scan_file

EXPECTED_FORMATS = {
    "sk_forest.joblib": "joblib", "sk_forest.zlib.joblib": "zlib+joblib", "sk_forest.lz4.joblib": "lz4+joblib",
    "torch_state_dict.pt": "pytorch-zip", "torch_state_dict_legacy.pt": "pytorch-legacy",
    "arrays.npz": "npz", "array.npy": "numpy", "model.safetensors": "safetensors", "model.onnx": "onnx",
    "model.gguf": "gguf", "model.keras": "keras", "model.h5": "keras-h5", "bundle.7z": "7z",
    "bundle.tar.gz": "gzip+tar", "sk_logreg_p0.pkl": "pickle",
}


def test_every_benign_artifact_is_safe(benign_corpus: dict[str, Path]) -> None:
    problems = {}
    for name, path in benign_corpus.items():
        result = scan_file(path)
        if result.verdict is not Verdict.SAFE:
            problems[name] = [f.to_dict() for f in result.findings]
    assert problems == {}
    assert len(benign_corpus) >= 40


@pytest.mark.parametrize(("name", "fmt"), sorted(EXPECTED_FORMATS.items()))
def test_formats_are_detected_by_content(benign_corpus: dict[str, Path], name: str, fmt: str,
                                         tmp_path: Path) -> None:
    # Renamed without an extension: detection must not depend on the name.
    blind = tmp_path / "artifact"
    blind.write_bytes(benign_corpus[name].read_bytes())
    assert scan_file(blind).format == fmt

