"""Framework coverage (CS-1): each item of NIST AI RMF, ISO/IEC 42001, OWASP ML Top 10, MITRE ATLAS
or the EU AI Act, with the status of the plan controls mapped to it and the evidence behind them,
derived from a stored assessment (never re-assessed here, so the report matches what was recorded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from secplan.assess.result import AssessmentDoc, ControlDoc
from secplan.errors import InputError
from secplan.plan.catalogue import FRAMEWORK_TITLES, load_catalogue
from secplan.vocabulary import Outcome, Status

REPORTABLE = ("nist-ai-rmf", "iso-42001", "owasp-ml", "mitre-atlas", "eu-ai-act")
MAX_EVIDENCE = 5


@dataclass
class ItemCoverage:
    item: str
    status: Status
    controls: list[dict[str, Any]] = field(default_factory=list)
    partial_fit: bool = False
    """The crosswalk marks the mapping approximate ("~")."""


def item_status(statuses: list[Status]) -> Status:
    """An item passes only when every mapped control with a verdict passes (or is waived)."""
    relevant = [s for s in statuses if s is not Status.NOT_APPLICABLE]
    if not relevant:
        return Status.NOT_APPLICABLE
    if Status.FAIL in relevant:
        return Status.FAIL
    if all(s in (Status.PASS, Status.WAIVED) for s in relevant):
        return Status.PASS
    if any(s in (Status.PASS, Status.PARTIAL, Status.WAIVED) for s in relevant):
        return Status.PARTIAL
    if Status.ERROR in relevant:
        return Status.ERROR
    return Status.MANUAL


def _evidence(control: ControlDoc) -> list[str]:
    positives = [f.message for f in control.findings if f.outcome == Outcome.POSITIVE]
    negatives = [f"finding: {f.message}" for f in control.findings if f.outcome == Outcome.NEGATIVE]
    return (negatives + positives)[:MAX_EVIDENCE]


def coverage(doc: AssessmentDoc, framework: str) -> dict[str, Any]:
    """The framework report document (also the ``--format json`` output)."""
    if framework not in REPORTABLE:
        raise InputError(f"--framework {framework!r}: one of {', '.join(REPORTABLE)}")
    by_id = {c.id: c for c in doc.controls}
    items: dict[str, ItemCoverage] = {}
    for control in load_catalogue():
        stored = by_id.get(control.id)
        for raw in control.frameworks.get(framework, ()):
            name = raw.lstrip("~").strip()
            entry = items.setdefault(name, ItemCoverage(name, Status.MANUAL))
            entry.partial_fit = entry.partial_fit or raw.startswith("~")
            entry.controls.append({
                "control": control.id, "title": control.title,
                "status": (stored.status if stored else Status.ERROR).value,
                "summary": stored.summary if stored else "not in the stored assessment",
                "evidence": _evidence(stored) if stored else [],
            })
    for entry in items.values():
        entry.status = item_status([Status(c["status"]) for c in entry.controls])
    ordered = sorted(items.values(), key=lambda i: i.item)
    counts = {s.value: sum(1 for i in ordered if i.status is s) for s in Status}
    judged = [i for i in ordered if i.status is not Status.NOT_APPLICABLE]
    return {
        "framework": framework, "title": FRAMEWORK_TITLES[framework],
        "project": doc.project.get("name"), "assessed_at": doc.generated_at.isoformat(), "today": str(doc.today),
        "coverage": round(sum(1 for i in judged if i.status is Status.PASS) / len(judged), 3) if judged else None,
        "counts": counts,
        "items": [{"item": i.item, "status": i.status.value, "partial_fit": i.partial_fit, "controls": i.controls}
                  for i in ordered],
    }


def render_markdown(report: dict[str, Any]) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    share = "n/a" if report["coverage"] is None else f"{report['coverage']:.0%}"
    lines = [f"# {report['title']}: coverage for {cell(report['project'])}", "",
             f"From the assessment of {report['assessed_at'][:19]} UTC. Items passing: **{share}**.", "",
             "| item | status | controls | evidence |", "|---|---|---|---|"]
    for item in report["items"]:
        controls = ", ".join(f"{c['control']} ({c['status']})" for c in item["controls"])
        evidence = "; ".join(e for c in item["controls"] for e in c["evidence"][:2])
        fit = " (~)" if item["partial_fit"] else ""
        lines.append(f"| {cell(item['item'])}{fit} | {item['status']} | {controls} | {cell(evidence)[:400]} |")
    lines += ["", "(~) the crosswalk marks the mapping as a partial fit.", ""]
    return "\n".join(lines)


def render_html(report: dict[str, Any]) -> str:
    """HTML extending the report package's base layout (self-contained, autoescaped)."""
    from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

    env = Environment(loader=ChoiceLoader([PackageLoader("secplan.compliance", "templates"),
                                           PackageLoader("secplan.report", "templates")]),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    try:
        from secplan.report.html import environment

        env.globals.update(environment().globals)
    except ImportError:  # the HTML writer is optional; the page still renders with its own colours
        pass
    return env.get_template("framework.html.j2").render(report=report)
