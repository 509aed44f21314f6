"""Incident playbooks and MITRE ATLAS techniques, shipped as package data (YAML), and the
NIST SP 800-61 Rev. 3 lifecycle phases that order a playbook's steps."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml

PHASES = ("detect", "analyse", "contain", "eradicate", "recover", "lessons")


@dataclass(frozen=True)
class Playbook:
    type: str
    title: str
    atlas: tuple[str, ...]
    steps: tuple[tuple[str, str], ...]
    """(phase, step) in lifecycle order."""


@functools.cache
def atlas_techniques() -> dict[str, str]:
    """ATLAS technique id -> name."""
    text = resources.files("secplan.human").joinpath("data/atlas.yml").read_text(encoding="utf-8")
    return {str(k): str(v) for k, v in yaml.safe_load(text).items()}


@functools.cache
def playbooks() -> dict[str, Playbook]:
    """Every shipped playbook by incident type. Invalid package data fails loudly (a bug, not input)."""
    folder = resources.files("secplan.human").joinpath("data/playbooks")
    books: dict[str, Playbook] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yml"):
            continue
        raw = yaml.safe_load(entry.read_text(encoding="utf-8"))
        unknown_phases = set(raw["steps"]) - set(PHASES)
        unknown_atlas = set(raw["atlas"]) - set(atlas_techniques())
        if unknown_phases or unknown_atlas:
            raise ValueError(f"playbook {entry.name}: unknown {sorted(unknown_phases | unknown_atlas)}")
        steps = tuple((phase, step) for phase in PHASES for step in raw["steps"].get(phase, []))
        books[raw["type"]] = Playbook(raw["type"], raw["title"], tuple(raw["atlas"]), steps)
    return books
