"""Every public attack class is caught: unsafe or suspicious, with the rule that explains it."""

from __future__ import annotations

from pathlib import Path

import pytest

from secplan.model.scan import Verdict, scan_file

from .malicious import MALICIOUS


@pytest.mark.parametrize("name", sorted(MALICIOUS))
def test_malicious_artifact_is_caught(name: str, tmp_path: Path) -> None:
    build, expected, rule = MALICIOUS[name]
    result = scan_file(build(tmp_path))
    rules = {f.rule for f in result.findings}
    assert str(result.verdict) in expected, [f.to_dict() for f in result.findings]
    assert rule in rules, [f.to_dict() for f in result.findings]


def test_decompression_bomb_is_unsafe_not_fully_scanned(tmp_path: Path) -> None:
    import gzip

    from secplan.model.scan.scanner import ScanOptions

    path = tmp_path / "bomb.pkl.gz"
    path.write_bytes(gzip.compress(b"\x80\x04(" + b"N" * (8 << 20)))
    result = scan_file(path, ScanOptions(max_decompressed=1 << 20))
    assert result.verdict is Verdict.UNSAFE
    assert "container-bomb" in {f.rule for f in result.findings}
    assert all("not fully scanned" in f.message for f in result.findings if f.rule == "container-bomb")


def test_nesting_and_opcode_limits_are_never_safe(tmp_path: Path) -> None:
    import gzip
    import pickle

    from secplan.model.scan.pickle_vm import Limits
    from secplan.model.scan.scanner import ScanOptions

    nested = pickle.dumps({"w": 1})
    for _ in range(4):
        nested = gzip.compress(nested)
    (tmp_path / "deep.gz").write_bytes(nested)
    deep = scan_file(tmp_path / "deep.gz", ScanOptions(max_depth=2))
    assert deep.verdict is Verdict.UNSAFE and "container-depth" in {f.rule for f in deep.findings}

    (tmp_path / "long.pkl").write_bytes(pickle.dumps(list(range(5000))))
    limited = scan_file(tmp_path / "long.pkl", ScanOptions(limits=Limits(max_opcodes=1000)))
    assert limited.verdict is Verdict.UNSAFE and "scan-limit" in {f.rule for f in limited.findings}
    assert scan_file(tmp_path / "long.pkl").verdict is Verdict.SAFE
