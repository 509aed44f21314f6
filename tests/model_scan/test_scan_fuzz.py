"""Fuzzing the parsers (bounded): any bytes give a verdict, never a traceback or a hang."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secplan.model.scan import Verdict, scan_file
from secplan.model.scan.scanner import ScanOptions

from .corpus import call_system, gguf_bytes, gguf_string, npy_object, safetensors_bytes, torch_zip

SEEDS = [
    b"", b"\x80\x04", b"PK\x03\x04", b"\x93NUMPY\x01\x00", b"GGUF\x03\x00\x00\x00", b"\x1f\x8b", b"BZh9",
    b"\xfd7zXZ\x00", b"\x04\x22\x4d\x18", b"7z\xbc\xaf\x27\x1c", b"\x78\x9c", b"\x08\x07\x12", b"(dp0\n",
    b"{\"class_name\": ", b"\x10\x00\x00\x00\x00\x00\x00\x00{", b"\x89HDF\r\n\x1a\n",
]
VALID = [
    pickle.dumps({"a": [1, 2.0, "x", (None, True)], "b": {1, 2}}, protocol=p) for p in range(6)
] + [call_system("id"), torch_zip(pickle.dumps({"w": 1})), npy_object(pickle.dumps([1, "a"])),
     safetensors_bytes({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\x00" * 4),
     gguf_bytes([("tokenizer.chat_template", 8, gguf_string("{{ messages }}"))])]
OPTIONS = ScanOptions(max_decompressed=16 << 20)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _scan(data: bytes) -> Verdict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "artifact"
        path.write_bytes(data)
        result = scan_file(path, OPTIONS)
        result.to_dict()
        bugs = [f.message for f in result.findings if "scanner bug" in f.message]
        assert not bugs, (data[:64], bugs)
        return result.verdict


@FUZZ
@given(st.sampled_from(SEEDS), st.binary(max_size=512))
def test_random_bytes_after_magic(seed: bytes, rest: bytes) -> None:
    assert _scan(seed + rest) in set(Verdict)


@FUZZ
@given(st.sampled_from(VALID), st.data())
def test_mutated_artifacts(valid: bytes, data: st.DataObject) -> None:
    mutated = bytearray(valid)
    for _ in range(data.draw(st.integers(1, 4))):
        if not mutated:
            break
        at = data.draw(st.integers(0, len(mutated) - 1))
        mutated[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(mutated)))
    verdict = _scan(bytes(mutated[:cut]))
    assert verdict in set(Verdict)


def test_truncated_valid_pickle_is_never_safe() -> None:
    data = pickle.dumps({"weights": list(range(50))}, protocol=4)
    for cut in range(1, len(data) - 1, 7):
        assert _scan(data[:cut]) is not Verdict.SAFE


def test_corrupt_hdf5_is_an_error_and_the_parser_recovers(tmp_path: Path) -> None:
    from .corpus import keras_h5

    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 4)
    result = scan_file(bad)
    assert result.verdict is Verdict.ERROR and {f.rule for f in result.findings} == {"hdf5-malformed"}
    good = tmp_path / "good.h5"
    keras_h5(good, {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {}}]}})
    assert scan_file(good).verdict is Verdict.SAFE
