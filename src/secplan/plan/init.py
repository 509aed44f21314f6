"""Write a commented starting plan for an existing project from what discovery finds."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from pathlib import Path

from secplan.assess.discover import discover
from secplan.vocabulary import AssetKind

DECLARED_KINDS = (AssetKind.DATASET, AssetKind.MODEL, AssetKind.NOTEBOOK, AssetKind.DEPENDENCIES,
                  AssetKind.INFRASTRUCTURE, AssetKind.ENCRYPTED)


def _q(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid YAML scalar, whatever it contains


def render_plan(root: Path, owner: str, classifications: Mapping[str, str] | None = None,
                project_id: str | None = None) -> str:
    """The plan text; ``classifications`` (asset path -> level, from ``data classify``) are written
    in, the rest of what an owner must decide is left commented out. ``project_id`` keeps an existing
    project's id (``init --force``), else a new one is made."""
    found = classifications or {}
    files = [f for f in discover(root) if f.kind in DECLARED_KINDS]
    lines = [
        "# secplan plan file: what this project is, what it holds, and the policy secplan checks it against.",
        "# Reference: docs/plan-file.md. Editor completion: `secplan plan schema > secplan.schema.json`.",
        "version: 1",
        "project:",
        f"  id: {project_id or uuid.uuid4()}   # stable: every checkout of this project shares its records under it",
        f"  name: {_q(root.name)}          # unique in a team store",
        f"  owners: [{_q(owner)}]          # accountable owners (HS-4)",
        "  # on_call: someone@example.com   # who receives alerts (HS-5)",
        "  frameworks: [nist-ai-rmf, iso-42001, owasp-ml, mitre-atlas, eu-ai-act]",
        "  # risk_category: high            # EU AI Act category: minimal | limited | high | unacceptable",
        "",
        "# Assets discovered in the project. Set owner, classification (public | internal | confidential |",
        "# restricted), retention_days and uses (training | evaluation | serving | shared | reference).",
        "assets:",
    ]
    if not files:
        lines[-1] = "assets: []"
    for f in files:
        lines.append(f"  - path: {_q(f.path)}")
        lines.append(f"    kind: {f.kind.value}")
        lines.append(f"    owner: {_q(owner)}")
        if f.path in found:
            lines.append(f"    classification: {found[f.path]}   # what `secplan data classify` found; raise it if needed")
        elif f.kind in (AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED):
            lines.append("    # classification: confidential")
        if f.kind in (AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED):
            lines.append("    # retention_days: 365")
            lines.append("    # uses: [training]")
    lines += [
        "",
        "# Policy parameters used by the probes; the defaults are shown commented out.",
        "policy:",
        "  assessment_every_days: 90",
        "  # patch:",
        "  #   sla_days: {critical: 15, high: 30, medium: 90, low: 180}",
        "  # fairness:",
        "  #   sensitive_features: [gender, age]",
        "  #   min_disparate_impact: 0.8",
        "  # backup:",
        "  #   repository: /backups/this-project",
        "  #   max_age_days: 1",
        "  #   drill_every_days: 90",
        "  # keys:",
        "  #   provider: local            # local | pkcs11 | aws-kms",
        "  #   rotate_every_days: 365",
        "  #   signing:                   # managed keys (secplan keys create) instead of the defaults",
        "  #     attestations: attest-hsm # default: an unattended key file in .secplan/",
        "  #     model: model-signing",
        "  # retention:",
        "  #   days_by_classification: {restricted: 365, confidential: 1095}",
        "",
        "# Time-limited exceptions: a control id, probe id or finding id, with a reason, approver and expiry.",
        "waivers: []",
        "#  - target: PS-2",
        "#    reason: pinned by the platform team's lock file",
        "#    approver: security@example.com",
        "#    expires: 2027-01-31",
        "",
    ]
    return "\n".join(lines)
