#!/usr/bin/env python3
"""Screenshots of every dashboard page, for docs/img/ (referenced from docs/server.md).

    PYTHONPATH=src:. .venv/bin/python scripts/dashboard-screenshots.py

Starts a real ``secplan server`` on loopback over a temporary SQLite organisation (the one the
dashboard's browser tests use: two projects, their assessment history, a pending approval, the
audit ledger), logs in with each person's token and drives the system's Chromium through
Playwright (``apt-get install chromium``). Writes docs/img/dashboard-<page>-<width>.png.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS_IMG = ROOT / "docs" / "img"
#: page name -> (who logs in, path); every page at 1280 px, the first three also at 420 px.
PAGES = {
    "portfolio": ("lead", "/ui/"),
    "findings": ("lead", "/ui/findings"),
    "approvals": ("olga", "/ui/approvals"),
    "project": ("olga", "/ui/projects/alpha"),
    "control": ("olga", "/ui/projects/alpha/controls/HS-3"),
    "packages": ("ben", "/ui/findings?group=package"),
    "models": ("olga", "/ui/projects/alpha/models"),
    "people": ("olga", "/ui/projects/alpha/people"),
    "audit": ("audra", "/ui/audit"),
    "proof": ("audra", "/ui/audit/entries/1"),
    "login": (None, "/ui/login"),
}
NARROW = ("portfolio", "findings", "approvals")
HEIGHT = 1400


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DOCS_IMG)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("error: chromium is not installed (apt-get install -y chromium)", file=sys.stderr)
        return 2
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from playwright.sync_api import sync_playwright
    from tests.server.conftest import Org, Server, seed, server_env
    from tests.server.pages.conftest import populate

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="secplan-shots-") as tmp:
        root = Path(tmp)
        db_url = f"sqlite:///{root / 'server.db'}"
        org = Org(root, db_url, server_env(root, db_url))
        seed(org)
        server = Server(org, "--rate", "1000/second")
        try:
            server.wait()
            org.url = server.url
            name_home_project(db_url, root / "server")  # after the server registered its folder
            populate(org)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                for name, (who, path) in PAGES.items():
                    for width in (1280, 420) if name in NARROW else (1280,):
                        shoot(browser, org, who, path, width, args.out / f"dashboard-{name}-{width}.png")
                browser.close()
        finally:
            server.stop()
    return 0


def name_home_project(db_url: str, folder: Path) -> None:
    """Call the server's own project "control-plane" in the shots, not by its temporary folder."""
    from sqlalchemy import create_engine, update

    from secplan.projects import ProjectRow

    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(update(ProjectRow).where(ProjectRow.name.endswith(folder.name),
                                              ProjectRow.name.contains(folder.parent.name))
                     .values(name="control-plane"))
    engine.dispose()


def shoot(browser, org, who: str | None, path: str, width: int, target: Path) -> None:
    page = browser.new_context(viewport={"width": width, "height": HEIGHT}, device_scale_factor=1).new_page()
    if who is not None:
        page.goto(f"{org.url}/ui/login")
        page.get_by_label("API token").fill(org.tokens[who])
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{org.url}/ui/")
    page.goto(org.url + path)
    page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": width, "height": HEIGHT})
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    page.context.close()


if __name__ == "__main__":
    sys.exit(main())
