"""Generated reference pages must match the data they come from (run `python scripts/gen_docs.py`)."""

import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GEN = runpy.run_path(str(ROOT / "scripts" / "gen_docs.py"))


@pytest.mark.parametrize("page", sorted(GEN["PAGES"]))
def test_generated_page_is_current(page):
    current = (ROOT / page).read_text(encoding="utf-8")
    assert current == GEN["PAGES"][page]() + "\n", f"{page} is stale: run `python scripts/gen_docs.py`"


def test_readme_quickstart_has_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
