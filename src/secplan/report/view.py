"""Facts several writers derive from the document, computed once so every format agrees."""

from __future__ import annotations

from dataclasses import dataclass

from secplan.assess.result import AssessmentDoc, ControlDoc, FindingDoc, LocationDoc
from secplan.vocabulary import Outcome

PLAN_FILE = "secplan.yaml"
"""Where findings without a file point (SARIF needs a location; the plan is what they concern)."""


@dataclass(frozen=True)
class OpenFinding:
    """An open negative finding with the control it belongs to."""

    control: ControlDoc
    finding: FindingDoc


def format_score(score: float | None) -> str:
    """A score as users read it: one decimal, or an en dash when there is no verdict."""
    return "–" if score is None else f"{score:.1f}"


def format_percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def location_text(location: LocationDoc | None) -> str:
    """``path:line [member]``, or an empty string for a finding without a file."""
    if location is None:
        return ""
    text = location.path
    if location.line:
        text += f":{location.line}"
    if location.member:
        text += f" [{location.member}]"
    return text


def negative_findings(control: ControlDoc) -> list[FindingDoc]:
    """The control's violations (open, waived or baseline), worst first."""
    found = [f for f in control.findings if f.outcome == Outcome.NEGATIVE]
    return sorted(found, key=lambda f: (-f.severity.rank, f.id))


def open_findings(control: ControlDoc) -> list[FindingDoc]:
    return [f for f in negative_findings(control) if f.state == "open"]


def open_findings_by_severity(doc: AssessmentDoc) -> list[OpenFinding]:
    """Every open finding, worst severity first, then in plan order."""
    order = {control.id: n for n, control in enumerate(doc.controls)}
    found = [OpenFinding(c, f) for c in doc.controls for f in open_findings(c)]
    return sorted(found, key=lambda o: (-o.finding.severity.rank, order[o.control.id], o.finding.id))


def verdict(doc: AssessmentDoc) -> str:
    """The gate's verdict in words, as the exit code decides it."""
    if doc.failed:
        return f"FAILED: open findings at or above {doc.fail_on.value}"
    return f"passed: no open finding at or above {doc.fail_on.value}"


def project_name(doc: AssessmentDoc) -> str:
    return doc.project.get("name") or "unnamed project"


def changes_line(doc: AssessmentDoc, *, with_sparkline: bool = True) -> str | None:
    """One line on what changed since the previous assessment of this branch (None without history);
    text formats end it with a sparkline of the score, the HTML report draws a chart instead."""
    from secplan.assess.changes import sparkline

    changes = doc.changes
    if changes is None:
        return None
    where = f" on {changes.branch}" if changes.branch else ""
    if changes.previous is None:
        return f"first stored assessment of this project{where}"
    before = changes.previous
    delta = "" if doc.score is None or before.score is None else f", score {doc.score - before.score:+.1f}"
    trend = f"; score trend {sparkline(p.score for p in changes.trend)}" if with_sparkline else ""
    return (f"{len(changes.new)} new, {len(changes.fixed)} fixed since assessment {before.assessment} of "
            f"{before.at:%Y-%m-%d %H:%M} UTC{where}{delta}{trend}")
