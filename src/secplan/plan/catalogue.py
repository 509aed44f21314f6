"""The control catalogue: the plan's 32 controls, loaded from package data with their framework mappings."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from importlib import resources

import yaml

from secplan.vocabulary import Pillar

#: Framework ids users type, and the crosswalk column that holds each one's items.
FRAMEWORK_COLUMNS: dict[str, str] = {
    "nist-ai-rmf": "nist_ai_rmf",
    "iso-42001": "iso_42001_annex_a",
    "owasp-ml": "owasp_ml_top10",
    "mitre-atlas": "mitre_atlas_mitigations",
    "eu-ai-act": "eu_ai_act_articles",
    "cosai": "cosai_saif",
}
FRAMEWORK_TITLES: dict[str, str] = {
    "nist-ai-rmf": "NIST AI RMF 1.0",
    "iso-42001": "ISO/IEC 42001:2023 Annex A",
    "owasp-ml": "OWASP Machine Learning Security Top 10",
    "mitre-atlas": "MITRE ATLAS mitigations",
    "eu-ai-act": "EU AI Act (articles)",
    "cosai": "CoSAI risk map",
}


@dataclass(frozen=True)
class Control:
    """One item of the plan."""

    id: str
    pillar: Pillar
    title: str
    asks: str
    why: str
    checks: str
    short: str
    """The crosswalk's short name (for narrow tables)."""
    frameworks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Framework id -> the items this control serves ("~" marks a partial fit)."""


def _split_items(cell: str) -> tuple[str, ...]:
    cell = cell.strip()
    if cell in ("", "—", "-"):
        return ()
    parts: list[str] = []
    for chunk in cell.split(";"):
        parts.extend(piece.strip() for piece in chunk.split(", ") if piece.strip())
    return tuple(parts)


@functools.cache
def load_catalogue() -> tuple[Control, ...]:
    """All controls in plan order. Cached: the data is immutable package data."""
    package = resources.files("secplan.plan")
    entries = yaml.safe_load(package.joinpath("controls.yml").read_text(encoding="utf-8"))
    with package.joinpath("crosswalk.csv").open(encoding="utf-8", newline="") as handle:
        crosswalk = {row["control"]: row for row in csv.DictReader(handle)}
    controls = []
    for entry in entries:
        row = crosswalk[entry["id"]]
        controls.append(
            Control(
                id=entry["id"],
                pillar=Pillar(entry["id"].split("-")[0]),
                title=entry["title"],
                asks=entry["asks"],
                why=entry["why"],
                checks=entry["checks"],
                short=row["item"],
                frameworks={fw: _split_items(row[col]) for fw, col in FRAMEWORK_COLUMNS.items()},
            )
        )
    return tuple(controls)


def control_ids() -> tuple[str, ...]:
    return tuple(control.id for control in load_catalogue())
