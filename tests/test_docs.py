"""Generated reference pages must match the data they come from (run `python scripts/gen_docs.py`)."""

import re
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


_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))])
def test_relative_links_stay_inside_the_repository(page):
    """Users get the repository: a link to a file outside it (or to one that is gone) is a dead link."""
    source = ROOT / page
    bad = []
    for target in _LINK.findall(source.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        resolved = (source.parent / target).resolve()
        if not resolved.is_relative_to(ROOT) or not resolved.exists():
            bad.append(target)
    assert bad == [], f"{page}: links outside the repository or to missing files: {bad}"
