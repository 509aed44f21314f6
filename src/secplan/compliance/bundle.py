"""The evidence bundle for auditors: one zip with the assessment, framework reports, attestations
(with the public key to check them), the audit ledger export and its verification, and a manifest
of SHA-256 digests. Written atomically: a failed build leaves no partial zip."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secplan.archive import digests, write_zip
from secplan.compliance.frameworks import REPORTABLE, coverage, render_html, render_markdown
from secplan.errors import InputError

if TYPE_CHECKING:
    from secplan.projects import Project
    from secplan.store.db import Store


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode()


def latest(store: Store, project: Project):
    from secplan.assess.history import latest_assessment

    doc = latest_assessment(store, project.id)
    if doc is None:
        raise InputError(f"no stored assessment for project {project.name!r}: run `secplan assess` first")
    return doc


def build_bundle(store: Store, out: Path, *, frameworks: list[str] | None = None) -> dict[str, Any]:
    """Write the bundle to ``out``; returns its manifest. Framework reports: those the plan declares."""
    from secplan.access import require
    from secplan.compliance.attestations import all_attestations
    from secplan.ledger import export, verify

    who = require(store, "read", "report")
    require(store, "read", "ledger")
    doc = latest(store, who.project)
    files: dict[str, bytes] = {"assessment.json": _json(doc.model_dump(mode="json"))}
    if frameworks is None:
        from secplan.human.domain import project_plan

        plan = project_plan(store)
        frameworks = [f for f in (plan.project.frameworks if plan else REPORTABLE) if f in REPORTABLE]
    for fw in frameworks:
        report = coverage(doc, fw)
        files[f"frameworks/{fw}.json"] = _json(report)
        files[f"frameworks/{fw}.md"] = render_markdown(report).encode()
        files[f"frameworks/{fw}.html"] = render_html(report).encode()
    files["attestations.json"] = _json(all_attestations(store, who.project.id, dt.date.today()))
    ledger = io.StringIO()
    export(store, ledger)
    files["ledger.jsonl"] = ledger.getvalue().encode()
    files["ledger-verification.json"] = _json(verify(store).to_json())
    manifest = {"project": who.project.name, "project_id": who.project.id, "generated_at": dt.datetime.now(dt.UTC).isoformat(),
                "generated_by": who.name, "assessment_generated_at": doc.generated_at.isoformat(),
                "files": digests(files)}
    write_zip(out, {**files, "manifest.json": _json(manifest)})
    from secplan.human.audit import audit

    audit(store, "report.bundle", f"file:{out.name}", {"files": len(files) + 1})
    return manifest
