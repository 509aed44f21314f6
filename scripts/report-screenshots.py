#!/usr/bin/env python3
"""Screenshots of an HTML assessment report at 1440 px and 420 px, for docs/img/.

    make demo && .venv/bin/python scripts/report-screenshots.py examples/credit-risk/report.html

Drives the system's Chromium through Playwright (``apt-get install chromium``); writes
docs/img/report-1440.png and docs/img/report-420.png (the top of the page, where a reader looks first).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img"
VIEWS = {1440: 1800, 420: 2400}
"""Viewport width -> how much of the page's height the shot keeps."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path, help="an HTML report written by `secplan assess --report FILE.html`")
    parser.add_argument("--out", type=Path, default=DOCS_IMG)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("error: chromium is not installed (apt-get install -y chromium)", file=sys.stderr)
        return 2
    if not args.report.is_file():
        print(f"error: {args.report}: no such report (run `make demo` first)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for width, height in VIEWS.items():
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            page.goto(args.report.resolve().as_uri())
            target = args.out / f"report-{width}.png"
            page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": width, "height": height})
            print(f"wrote {target}")
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
