"""One self-contained HTML file: inline CSS, inline SVG chart, vanilla JS filters, no network.

Templates live in ``templates/``: ``base.html.j2`` is the layout (header, styles, script) that other
reports extend; ``assessment.html.j2`` is this report. Autoescaping is on for everything, because
finding messages quote untrusted file names and content. The page works with JavaScript off: all
content is in the markup, and the script only filters and opens sections.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from jinja2 import Environment, PackageLoader, StrictUndefined

from secplan.assess.result import AssessmentDoc, ControlDoc, FindingDoc
from secplan.plan.catalogue import FRAMEWORK_TITLES
from secplan.report import view
from secplan.report.interface import Writer
from secplan.report.palette import (
    SEVERITY_COLOURS,
    SEVERITY_ORDER,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_ORDER,
)
from secplan.report.richtext import linked_ids, rich_text
from secplan.vocabulary import Outcome, Status

#: The "Open findings" table shows the worst this many; every finding is also under its control.
OPEN_FINDINGS_LIMIT = 500

#: A control with more violations than this lists them in groups (by package, else by probe).
GROUP_AT = 8

#: Short framework names for the narrow table column; the full title is the tooltip.
FRAMEWORK_SHORT: dict[str, str] = {
    "nist-ai-rmf": "NIST AI RMF",
    "iso-42001": "ISO 42001",
    "owasp-ml": "OWASP ML",
    "mitre-atlas": "ATLAS",
    "eu-ai-act": "EU AI Act",
    "cosai": "CoSAI",
}


@functools.cache
def environment() -> Environment:
    """The template environment: autoescape always on, unknown variables are errors, not blanks."""
    env = Environment(
        loader=PackageLoader("secplan.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        status_colours={s.value: c for s, c in STATUS_COLOURS.items()},
        severity_colours={s.value: c for s, c in SEVERITY_COLOURS.items()},
        status_labels={s.value: label for s, label in STATUS_LABELS.items()},
        status_order=[s.value for s in STATUS_ORDER],
        severity_order=[s.value for s in SEVERITY_ORDER],
        framework_short=FRAMEWORK_SHORT,
        framework_titles=FRAMEWORK_TITLES,
        format_score=view.format_score,
        format_percent=view.format_percent,
        location_text=view.location_text,
    )
    env.filters["rich"] = rich_text  # remediation: secplan's own text, a Markdown subset
    env.filters["ids"] = linked_ids  # messages quote files: only advisory and control ids become links
    return env


def score_band(score: float | None) -> str:
    """The status colour a score is drawn in: the same thresholds people read as pass/partial/fail."""
    if score is None:
        return Status.NOT_APPLICABLE.value
    if score >= 8:
        return Status.PASS.value
    if score >= 5:
        return Status.PARTIAL.value
    return Status.FAIL.value


def finding_groups(findings: list[FindingDoc]) -> list[tuple[str, list[FindingDoc]]]:
    """Many findings of one control, grouped so a reader can scan them: by the package they concern
    (dependency advisories), else by the probe that found them; the largest and worst groups first."""
    if len(findings) <= GROUP_AT:
        return []
    groups: dict[str, list[FindingDoc]] = {}
    for f in findings:
        package = f.details.get("package")
        label = f"{package} {f.details.get('version') or ''}".strip() if package else f.probe
        groups.setdefault(label, []).append(f)
    if len(groups) == 1:
        return []
    return sorted(groups.items(), key=lambda g: (-max(f.severity.rank for f in g[1]), -len(g[1]), g[0]))


def _control_view(control: ControlDoc) -> dict[str, Any]:
    negatives = view.negative_findings(control)
    open_ = [f for f in negatives if f.state == "open"]
    return {
        "doc": control,
        "negatives": negatives,
        "groups": finding_groups(negatives),
        "open": open_,
        "evidence": [f for f in control.findings if f.outcome != Outcome.NEGATIVE],
        "max_rank": max((f.severity.rank for f in open_), default=-1),
        "band": score_band(control.score),
        "frameworks": {k: v for k, v in control.frameworks.items() if v},
    }


TREND_W, TREND_H, TREND_PAD = 560, 160, 28


def trend_chart(doc: AssessmentDoc) -> dict[str, Any] | None:
    """Geometry of the history chart: the score as a line (0-10, left axis) over bars of open findings
    stacked by severity (right axis), one column per stored assessment, this one last."""
    if doc.changes is None or len(doc.changes.trend) < 2:
        return None
    points = doc.changes.trend
    step = (TREND_W - 2 * TREND_PAD) / len(points)
    most = max(1, *(sum(p.open.values()) for p in points))
    plot_h = TREND_H - 2 * TREND_PAD
    columns = []
    for n, point in enumerate(points):
        x = TREND_PAD + n * step
        base = TREND_H - TREND_PAD
        stack = []
        for severity in SEVERITY_ORDER:
            count = point.open.get(severity, 0)
            if count:
                height = plot_h * count / most
                base -= height
                stack.append({"severity": severity.value, "y": round(base, 1), "h": round(height, 1), "count": count})
        score_y = None if point.score is None else round(TREND_H - TREND_PAD - plot_h * point.score / 10, 1)
        columns.append({"x": round(x + step * 0.2, 1), "w": round(step * 0.6, 1), "cx": round(x + step / 2, 1),
                        "score_y": score_y, "stack": stack, "point": point})
    line = " ".join(f"{c['cx']},{c['score_y']}" for c in columns if c["score_y"] is not None)
    return {"w": TREND_W, "h": TREND_H, "pad": TREND_PAD, "columns": columns, "line": line, "most": most}


def context(doc: AssessmentDoc, open_findings_limit: int = OPEN_FINDINGS_LIMIT) -> dict[str, Any]:
    """Everything the template shows, precomputed so the template only lays it out."""
    open_ = view.open_findings_by_severity(doc)
    return {
        "doc": doc,
        "project": view.project_name(doc),
        "verdict": view.verdict(doc),
        "controls": [_control_view(c) for c in doc.controls],
        "pillars": [{"doc": p, "band": score_band(p.score)} for p in doc.pillars],
        "chart_rows": [(f"{p.id.value} · {p.title}", p.score, score_band(p.score)) for p in doc.pillars],
        "open_findings": open_[:open_findings_limit],
        "open_total": len(open_),
        "score_band": score_band(doc.score),
        "changes_line": view.changes_line(doc, with_sparkline=False),
        "trend": trend_chart(doc),
        "severity_rank": {s.value: s.rank for s in SEVERITY_ORDER},
    }


class HtmlWriter(Writer):
    name: ClassVar[str] = "html"
    media_type: ClassVar[str] = "text/html"
    suffix: ClassVar[str] = ".html"

    template: ClassVar[str] = "assessment.html.j2"

    def __init__(self, open_findings_limit: int = OPEN_FINDINGS_LIMIT) -> None:
        self.open_findings_limit = open_findings_limit

    def render(self, doc: AssessmentDoc) -> str:
        page = context(doc, self.open_findings_limit)
        return environment().get_template(self.template).render(**page)
