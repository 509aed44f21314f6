"""Build small projects on disk and run one probe on them."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Any

import yaml

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result
from secplan.assess.registry import all_probes
from secplan.plan.loader import parse_plan
from secplan.vocabulary import Outcome

BASE_PLAN: dict[str, Any] = {"version": 1, "project": {"name": "t", "owners": ["owner@example.com"]}}


def make_project(root: Path, files: dict[str, str | bytes] | None = None, **plan: Any) -> Path:
    """Write ``files`` (path -> content) and a plan made of BASE_PLAN updated with ``plan``."""
    for rel, content in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    doc = {**BASE_PLAN, **plan}
    # every made project has its own id, as `secplan init` writes one
    doc["project"] = {**BASE_PLAN["project"], "id": str(uuid.uuid4()), **plan.get("project", {})}
    (root / "secplan.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return root


def run_probe(probe_id: str, root: Path, today: dt.date | None = None,
              provided: dict[Any, Any] | None = None) -> list[Result]:
    """Run one probe as `assess` does; ``provided`` hands in engine evidence ({KEY: value}) directly."""
    plan = parse_plan((root / "secplan.yaml").read_text(encoding="utf-8"))
    ev = Evidence(root, plan, today=today, provided=provided)
    probe = next(p for p in all_probes() if p.id == probe_id)
    if probe.unavailable(ev) or probe.problem:  # the pipeline's error result, as `assess` reports it
        from secplan.assess.pipeline import run_probe as run_in_pipeline

        return run_in_pipeline(probe, ev)[0]
    return list(probe.run(probe.view(ev)))


def outcomes(results: list[Result]) -> list[Outcome]:
    return [r.outcome for r in results]


def negatives(results: list[Result]) -> list[Result]:
    return [r for r in results if r.outcome == Outcome.NEGATIVE]


def chmod(root: Path, rel: str, mode: int) -> None:
    os.chmod(root / rel, mode)


def collector_installed(name: str) -> bool:
    """Whether an installed engine provides the evidence key ``name`` (probes defer to that engine's probes)."""
    from secplan.assess.evidence import installed_collectors

    return name in installed_collectors()
