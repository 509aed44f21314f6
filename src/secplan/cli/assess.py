"""``secplan assess`` and ``secplan history``: the main job, and posture over time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from secplan.cli.common import (
    Format,
    FormatOption,
    console,
    emit,
    err_console,
    format_option,
    not_a_directory,
    output_option,
    print_result,
    progress,
    renamed_option,
    simple_table,
    write_output,
)
from secplan.errors import InputError
from secplan.report.formats import choices
from secplan.vocabulary import Severity

if TYPE_CHECKING:
    from secplan.assess.result import AssessmentDoc
    from secplan.report.interface import Writer

ReportFormat = choices("table", "json", "sarif", "junit", "markdown", "html")
"""Every report writer's format (secplan.report.writers.FORMATS; a test keeps them equal)."""


def assess_command(
    directory: Path = typer.Argument(Path("."), help="The ML project to assess (where secplan.yaml is)."),
    fmt: ReportFormat = format_option(ReportFormat, help="On stdout, or -o."),
    output: Path | None = output_option("Write the report here instead of stdout."),
    report: list[Path] = typer.Option([], "--report", "-r", callback=not_a_directory,
                                      help="Also write a report; format from the suffix "
                                      "(.json .sarif .html .md .xml). Repeatable."),
    fail_on: Severity = typer.Option(Severity.HIGH, "--fail-on", help="Exit 1 when an open finding is at or above this."),
    previous_report: Path | None = typer.Option(None, "--previous-report",
                                                help="A previous JSON report: only findings new since it fail."),
    baseline: Path | None = typer.Option(None, "--baseline", hidden=True, help="Old spelling of --previous-report."),
    limit: int | None = typer.Option(None, "--limit", "-n", min=1, show_default=False,
                                     help="Open findings listed in the table [default: the 20 worst]."),
    show_all: bool = typer.Option(False, "--all", help="List every open finding in the table."),
    store_result: bool = typer.Option(True, "--store/--no-store", help="Keep this assessment in the project's store."),
    record: bool | None = typer.Option(None, "--record/--no-record", hidden=True, help="Old spelling of --store."),
    today: dt.datetime | None = typer.Option(None, "--today", formats=["%Y-%m-%d"], hidden=True,
                                             help="Assess as of this date (reproducible reports)."),
    upload_url: str | None = typer.Option(None, "--upload", metavar="URL",
                                          help="Send the JSON report, with commit, branch and pipeline from the CI "
                                               "variables, to a secplan server (token from $SECPLAN_SERVER_TOKEN)."),
) -> None:
    """Assess an ML project against the plan, control by control, and report its posture.

    Without a secplan.yaml, the project is assessed with the plan `secplan init` would write."""
    from secplan.assess.evidence import Evidence
    from secplan.assess.pipeline import assess
    from secplan.assess.registry import all_probes
    from secplan.report.writers import format_for_path, get_writer

    root = directory.resolve()
    if not root.is_dir():
        raise InputError(f"{directory}: not a directory")
    previous_report = renamed_option(previous_report, baseline, "--previous-report", "--baseline")
    store_result = renamed_option(None, record, "--store", "--record") if record is not None else store_result
    if store_result:
        from secplan.access import require_at

        require_at(root, "write", "assessment")
    plan = project_plan(root, directory)
    targets = [(format_for_path(path), path) for path in report]
    writers = {name: get_writer(name) for name in {fmt.value, *(t[0] for t in targets)}}
    ev = Evidence(root, plan, today=today.date() if today else None)

    with progress() as bar:
        task = bar.add_task("assessing", total=len(all_probes()))
        doc = assess(root, plan, fail_on=fail_on, baseline=previous_report, evidence=ev,
                     on_probe=lambda probe: bar.update(task, advance=1, description=probe.id))

    branch = None
    if store_result or ev.has_store:  # history needs a store; --no-store still compares with it
        from secplan.assess.branch import current_branch
        from secplan.assess.changes import compare
        from secplan.projects import project_of

        branch = current_branch(root)
        doc.changes = compare(ev.store, project_of(ev.store).id, branch, doc)
    if store_result:
        from secplan.assess.history import save_assessment
        from secplan.ledger import record as ledger_record

        store = ev.store
        assessment_id = save_assessment(store, doc, branch)
        if doc.changes is not None:
            doc.changes.trend[-1].assessment = assessment_id
        ledger_record(store, action="assess.run", obj=f"assessment:{assessment_id}",
                      details={"score": doc.score, "failed": doc.failed,
                               "counts": {str(k): v for k, v in doc.counts.items()}},
                      outcome="failure" if doc.failed else "success")

    if upload_url:
        _upload(upload_url, root, plan, doc)
    for name, path in targets:
        write_output(_render(writers[name], doc), path)
    table_above = fmt == ReportFormat.TABLE and output is None
    if table_above:
        from secplan.report.table import FINDINGS_LIMIT, render_rich

        print_result(*render_rich(doc, limit=None if show_all else limit or FINDINGS_LIMIT))
    else:
        write_output(_render(writers[fmt.value], doc), output)
    if doc.failed:
        where = " (listed above)" if table_above and console.is_terminal else ""
        err_console.print(f"[red]failed:[/red] open findings at or above {fail_on}{where}; exit 1", highlight=False)
        raise typer.Exit(1)


def _upload(url: str, root: Path, plan, doc: AssessmentDoc) -> None:
    """Before any report is written: a refused upload fails the command with nothing half done."""
    from secplan.assess.branch import current_branch, current_commit, current_pipeline
    from secplan.assess.upload import upload

    sent = upload(url, doc, project=plan.project.id or plan.project.name, branch=current_branch(root),
                  commit=current_commit(root), pipeline=current_pipeline())
    err_console.print(f"uploaded as assessment {sent.id} ({sent.new} new, {sent.fixed} fixed): {sent.url}",
                      highlight=False, markup=False)


def _render(writer: Writer, doc: AssessmentDoc) -> str:
    """The report's text; what the format had to leave out (GitHub's SARIF limits) is said on stderr."""
    text = writer.render(doc)
    for notice in writer.notices:
        err_console.print(f"warning: {notice}", markup=False, highlight=False)
    return text


def project_plan(root: Path, directory: Path):
    """The project's plan, or the one ``secplan init`` would write when it has none (said on stderr)."""
    from secplan.cli.plan import starting_plan
    from secplan.plan.loader import load_plan, parse_plan, plan_path

    path = plan_path(root)
    if path.exists():
        return load_plan(path)
    plan = parse_plan(starting_plan(root), f"{path} (the plan `secplan init` would write)")
    err_console.print(f"note: no secplan.yaml in {directory}: assessed with the plan `secplan init {directory}` "
                      "would write; run it to keep and edit that plan", highlight=False, markup=False)
    return plan


def history_command(
    directory: Path = typer.Argument(Path("."), help="The project."),
    limit: int = typer.Option(20, "--limit", "-n", min=1),
    branch: str | None = typer.Option(None, "--branch", help="Only this git branch's assessments [default: all]."),
    fmt: Format = FormatOption,
) -> None:
    """Show stored assessments, newest first: score, its change, new and fixed findings, per branch."""
    from secplan.assess.changes import sparkline
    from secplan.assess.history import list_assessments
    from secplan.report.view import format_score
    from secplan.store.db import Store

    root = directory.resolve()
    if not Store.exists_for(root):
        raise InputError(f"{directory}: no assessments stored yet (run `secplan assess {directory}`)")
    from secplan.access import require_at

    require_at(root, "read", "assessment")
    from secplan.projects import project_of

    store = Store.for_project(root)
    project = project_of(store)
    rows = list_assessments(store, project.id, limit=limit, branch=branch)
    data = [{"id": r.id, "project": project.name, "project_id": r.project_id, "branch": r.branch,
             "finished_at": r.finished_at.isoformat(), "score": r.score, "counts": r.counts,
             "new": (r.changed or {}).get("new"), "fixed": (r.changed or {}).get("fixed")} for r in rows]

    def table():
        out = []
        for n, r in enumerate(rows):
            previous = next((p.score for p in rows[n + 1:] if p.branch == r.branch), None)
            trend = "" if r.score is None or previous is None else f"{r.score - previous:+.1f}"
            changed = r.changed or {}
            out.append((r.id, r.finished_at.strftime("%Y-%m-%d %H:%M"), r.branch or "", format_score(r.score), trend,
                        changed.get("new", ""), changed.get("fixed", ""), r.counts.get("pass", 0),
                        r.counts.get("fail", 0), r.counts.get("manual", 0)))
        title = f"Assessments (score {sparkline(r.score for r in reversed(rows))})"
        return simple_table(title, ["id", "when (UTC)", "branch", "score", "change", "new", "fixed", "pass",
                                    "fail", "manual"], out)

    emit(data, fmt, table)


def register(app: typer.Typer) -> None:
    app.command("assess")(assess_command)
    app.command("history")(history_command)
