"""The HTML report in a real browser: headless Chromium renders it, runs its script, screenshots it.

Skipped only when Chromium is not installed (``apt-get install chromium``; scripts/system-packages.txt).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from secplan.assess.result import AssessmentDoc
from secplan.report.writers import write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


@pytest.fixture
def report(doc: AssessmentDoc, tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    write_report(doc, "html", path)
    return path


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_screenshot(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,2000", report.as_uri())
    data = shot.read_bytes()
    assert png_size(data) == (1400, 2000)
    assert len(data) > 60_000  # a blank or unstyled page compresses to far less


def test_dom_after_scripts_run(report: Path, tmp_path: Path, doc: AssessmentDoc) -> None:
    dom = chromium(tmp_path, "--dump-dom", report.as_uri()).stdout
    assert "<title>credit-risk: ML security assessment (6.8/10)</title>" in dom
    assert dom.count('class="control-row"') == 32
    assert '<svg class="chart"' in dom
    assert '<html lang="en" class="js">' in dom  # the script ran
    assert "32 of 32 controls" in dom  # and counted the rows
    assert "<script>alert" not in dom


def test_filters_from_the_url(report: Path, tmp_path: Path, doc: AssessmentDoc) -> None:
    """``?status=fail`` hides every other control in the browser (the filter code path users click)."""
    dom = chromium(tmp_path, "--dump-dom", report.as_uri() + "?status=fail").stdout
    failing = sum(c.status.value == "fail" for c in doc.controls)
    assert f"{failing} of 32 controls" in dom
    visible = [
        line
        for line in dom.split("<tr ")
        if 'class="control-row"' in line and " hidden" not in line.split(">")[0]
    ]
    assert len(visible) == failing
    assert all('data-status="fail"' in line for line in visible)
