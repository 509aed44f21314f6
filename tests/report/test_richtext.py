"""Finding text in the HTML report: escaped, then ids and a small Markdown subset become links and tags."""

from __future__ import annotations

from secplan.assess.result import AssessmentDoc, FindingDoc
from secplan.report.html import GROUP_AT, HtmlWriter, finding_groups
from secplan.report.richtext import linked_ids, rich_text
from secplan.vocabulary import Outcome, Severity


def test_advisory_and_control_ids_become_links() -> None:
    html = rich_text("numpy 1.0 is affected by CVE-2021-41495 (PYSEC-2021-857, GHSA-fpfv-jqm9-f5jm); see DS-1")
    assert '<a href="https://www.cve.org/CVERecord?id=CVE-2021-41495" rel="noopener noreferrer">' in html
    assert 'href="https://osv.dev/vulnerability/PYSEC-2021-857"' in html
    assert 'href="https://github.com/advisories/GHSA-fpfv-jqm9-f5jm"' in html
    assert '<a href="#control-DS-1">DS-1</a>' in html
    assert "#control" not in rich_text("DS-10 is not a control") and "#control" not in rich_text("XDS-1y")


def test_messages_get_links_but_no_markdown() -> None:
    html = linked_ids("file says **bold** and `code` about CVE-2021-41495 <b>")
    assert "<strong>" not in html and "<code>" not in html and "**bold**" in html and "&lt;b&gt;" in html
    assert 'href="https://www.cve.org/CVERecord?id=CVE-2021-41495"' in html


def test_markdown_subset() -> None:
    html = rich_text("Run `secplan encrypt PATH` and **then** read [the guide](https://example.org/a?b=1).")
    assert "<code>secplan encrypt PATH</code>" in html and "<strong>then</strong>" in html
    assert '<a href="https://example.org/a?b=1" rel="noopener noreferrer">the guide</a>' in html
    assert "<code>CVE-2021-41495 DS-1</code>" in rich_text("`CVE-2021-41495 DS-1`")  # code stays literal


def test_hostile_text_stays_text() -> None:
    hostile = ('<script>alert(1)</script> [x](javascript:alert(1)) [y](https://a"onmouseover="alert(1)) '
               '**<img src=x onerror=alert(1)>** `</code><script>`')
    html = str(rich_text(hostile))
    assert "<script>" not in html and "<img" not in html and "javascript:" not in html.split("[x](")[0]
    assert 'href="javascript' not in html and 'onmouseover="' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_many_findings_are_grouped_by_package_then_probe(doc: AssessmentDoc) -> None:
    def finding(n: int, package: str | None, severity: Severity) -> FindingDoc:
        details = {"package": package, "version": "1.0"} if package else {}
        return FindingDoc(id=f"vulnerable-dependency/{n:012x}", probe="vulnerable-dependency", control="PS-1",
                          severity=severity, outcome=Outcome.NEGATIVE, message=f"advisory {n}", state="open",
                          details=details)

    many = [finding(n, "mlflow" if n % 3 else "numpy", Severity.HIGH if n == 4 else Severity.MEDIUM)
            for n in range(GROUP_AT + 4)]
    groups = finding_groups(many)
    assert [label for label, _ in groups] == ["mlflow 1.0", "numpy 1.0"]  # the high one is in mlflow
    assert sum(len(members) for _, members in groups) == len(many)
    assert finding_groups(many[:GROUP_AT]) == []  # few findings: one plain list
    control = next(c for c in doc.controls if c.id == "PS-1")
    control.findings = many
    page = HtmlWriter().render(doc)
    assert page.count('class="finding-group"') == 2 and "<strong>mlflow 1.0</strong>" in page
    assert all(f"advisory {n}</p>" in page for n in range(len(many)))
