"""The HTML report's layout in a real browser (Playwright driving the system's headless Chromium):
no horizontal scroll on a 420 px phone or at 1440 px, long ids and paths wrap instead of widening the
page, and the history section draws its chart. Skipped only when Chromium is not installed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from secplan.assess.result import AssessmentDoc, ChangesDoc, FindingChangeDoc, LocationDoc, TrendPointDoc
from secplan.report.writers import write_report
from secplan.vocabulary import Severity

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def with_history(doc: AssessmentDoc) -> AssessmentDoc:
    """``doc`` with five earlier runs and a new finding whose path is one long unbroken word."""
    start = doc.generated_at - dt.timedelta(days=5)
    trend = [TrendPointDoc(assessment=n + 1, at=start + dt.timedelta(days=n), score=2.0 + n,
                           open={Severity.HIGH: 6 - n, Severity.MEDIUM: 3}) for n in range(5)]
    long_path = "data/" + "x" * 180 + ".parquet"
    new = [FindingChangeDoc(id="sensitive-data-in-clear/" + "f" * 40, control="DS-1", severity=Severity.HIGH,
                            message="confidential dataset is stored in clear", location=LocationDoc(path=long_path))]
    doc.changes = ChangesDoc(branch="main", previous=trend[-1], new=new, fixed=[],
                             trend=[*trend, TrendPointDoc(assessment=None, at=doc.generated_at, score=doc.score,
                                                          open=dict(doc.severity_counts))])
    return doc


@pytest.mark.parametrize("width", [420, 1440])
def test_no_horizontal_scroll(browser, doc: AssessmentDoc, tmp_path: Path, width: int) -> None:
    path = tmp_path / "report.html"
    write_report(with_history(doc), "html", path)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # the widest state
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("#changes svg.trend .trend-dot").count() == 6
    assert page.locator("#changes-new li").count() == 1
    page.close()
