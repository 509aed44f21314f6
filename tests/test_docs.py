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


def test_security_page_states_the_limits_the_code_applies():
    """docs/security.md lists every limit; when a default changes in code, the page must change too."""
    from secplan.archive import DEFAULT_LIMITS as ZIP
    from secplan.data.io.depth import MAX_RECORD_DEPTH
    from secplan.data.io.open import MAX_COLUMNS
    from secplan.documents import CONFIG_LIMITS, DEFAULT_LIMITS
    from secplan.model.scan.options import ScanOptions
    from secplan.platform.osv.download import MAX_BYTES as OSV_MAX_BYTES
    from secplan.platform.osv.index import DEFAULT_MAX_AGE_DAYS
    from secplan.platform.scan import MAX_BYTES as PROJECT_FILE_MAX_BYTES

    page = " ".join((ROOT / "docs" / "security.md").read_text(encoding="utf-8").split())
    options = ScanOptions()
    rows = {
        f"| bundle size | {ZIP.max_archive_bytes >> 20} MiB |", f"| members | {ZIP.max_members:,} |",
        f"| one member, inflated | {ZIP.max_member_bytes >> 20} MiB |",
        f"| all members, inflated | {ZIP.max_total_bytes >> 30} GiB |",
        f"| inflation of a member over 1 MiB | {ZIP.max_ratio}:1 |",
        f"| size | {DEFAULT_LIMITS.max_bytes >> 20} MiB | {CONFIG_LIMITS.max_bytes >> 20} MiB |",
        f"| {DEFAULT_LIMITS.max_depth} | {CONFIG_LIMITS.max_depth} |",
        f"| {DEFAULT_LIMITS.max_nodes:,} | {CONFIG_LIMITS.max_nodes:,} |",
        f"| {DEFAULT_LIMITS.max_aliases:,} | {CONFIG_LIMITS.max_aliases:,} |",
        f"| columns | {MAX_COLUMNS:,} ",
        f"before Arrow's recursive parser sees it) | {MAX_RECORD_DEPTH} |",
        f"| {options.max_depth} |", f"| {options.max_decompressed >> 30} GiB |",
        f"| {options.max_ratio}:1 |", f"| archive members | {options.max_members:,} |",
        f"| {PROJECT_FILE_MAX_BYTES >> 20} MiB (larger files", f"| {OSV_MAX_BYTES >> 30} GiB,",
        f"| {DEFAULT_MAX_AGE_DAYS} days (`SECPLAN_OSV_MAX_AGE_DAYS`) |",
    }
    assert [row for row in sorted(rows) if row not in page] == []
