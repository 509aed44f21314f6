"""The server's container image definition passes secplan's own platform scan with no high finding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = str(ROOT / "src")


def scan(folder: Path) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "secplan", "platform", "scan", str(folder), "--format", "json"],
                          capture_output=True, text=True, timeout=300, env={**{k: v for k, v in os.environ.items() if not k.startswith("SECPLAN_")},
                               "PYTHONPATH": SRC})
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["findings"]


def test_the_dockerfile_has_no_high_finding(tmp_path: Path) -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    findings = scan(tmp_path)
    assert [f for f in findings if f["severity"] in ("high", "critical")] == []
    lines = [line.strip() for line in text.splitlines()]
    assert all("@sha256:" in line for line in lines if line.startswith("FROM "))
    assert any(line.startswith("HEALTHCHECK ") for line in lines)
    assert lines.index("USER 10001") < next(n for n, line in enumerate(lines) if line.startswith("ENTRYPOINT"))


def test_the_scan_would_catch_the_image_running_as_root(tmp_path: Path) -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("USER 10001\n", "")
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    assert "dockerfile-runs-as-root" in {f["rule"] for f in scan(tmp_path)}
