"""Every public attack class is caught: unsafe or suspicious, with the rule that explains it."""

from __future__ import annotations

from pathlib import Path

import pytest

from secplan.model.scan import scan_file

from .malicious import MALICIOUS


@pytest.mark.parametrize("name", sorted(MALICIOUS))
def test_malicious_artifact_is_caught(name: str, tmp_path: Path) -> None:
    build, expected, rule = MALICIOUS[name]
    result = scan_file(build(tmp_path))
    rules = {f.rule for f in result.findings}
    assert str(result.verdict) in expected, [f.to_dict() for f in result.findings]
    assert rule in rules, [f.to_dict() for f in result.findings]
