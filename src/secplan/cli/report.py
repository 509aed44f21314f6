"""``secplan report``: framework coverage from the latest stored assessment, and the auditors' bundle."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import RootOption, err_console, format_option, output_option, write_output
from secplan.report.formats import choices

FrameworkFormat = choices("json", "markdown", "html")


def report_command(
    framework: str | None = typer.Option(None, "--framework",
                                         help="nist-ai-rmf, iso-42001, owasp-ml, mitre-atlas or eu-ai-act."),
    fmt: FrameworkFormat = format_option(FrameworkFormat, "markdown"),
    output: Path | None = output_option("Write here (atomically) instead of stdout."),
    evidence_bundle: Path | None = typer.Option(None, "--evidence-bundle",
                                                help="Write a zip for auditors: report, assessment, attestations, "
                                                     "ledger export and its verification."),
    root: Path = RootOption,
) -> None:
    """Report coverage of a framework, item by item, from the latest stored assessment (CS-1, CS-5)."""
    from secplan.cli._gov import open_store
    from secplan.errors import InputError

    if bool(framework) == bool(evidence_bundle):
        raise InputError("give either --framework NAME or --evidence-bundle OUT.zip")
    store = open_store(root)
    if evidence_bundle is not None:
        from secplan.compliance.bundle import build_bundle

        manifest = build_bundle(store, evidence_bundle)
        err_console.print(f"wrote {evidence_bundle} ({len(manifest['files']) + 1} files)")
        return
    from secplan.access import require
    from secplan.cli.common import to_json
    from secplan.compliance.bundle import latest
    from secplan.compliance.frameworks import coverage, render_html, render_markdown

    who = require(store, "read", "report")
    report = coverage(latest(store, who.project), framework)
    text = {FrameworkFormat.JSON: to_json, FrameworkFormat.MARKDOWN: render_markdown,
            FrameworkFormat.HTML: render_html}[fmt](report)
    write_output(text, output)


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
