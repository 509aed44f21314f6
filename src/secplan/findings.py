"""The one finding model: what every engine reports and every writer (SARIF, JSON, tables) renders.

An engine keeps whatever it needs to decide (a model scan verdict, a dependency's advisories) and
turns each problem into a :class:`Finding`: a rule, the control it serves, a severity, where it is,
what to do, a help URL and a fingerprint that survives line moves. Rules are data
(:class:`Rule`); each engine declares its own in one module listed in :data:`RULE_SOURCES`, so that
the docs, SARIF rule metadata and the terminal use the same ids, titles and severities.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from secplan.vocabulary import Severity

HELP_BASE = "https://github.com/secplan/secplan/blob/main/docs/rules.md"
"""Every rule's help page is a heading in docs/rules.md (``#<rule-id>``), generated from the rules."""

FindingState = Literal["open", "waived", "baseline"]

#: Modules that declare rules: each has ``rules() -> Iterable[Rule]``. Named, not imported, so that this
#: module depends on no engine (the same pattern as the assessment's ENGINE_MODULES).
RULE_SOURCES: tuple[str, ...] = (
    "secplan.platform.findings",
    "secplan.model.scan.rules",
    "secplan.data.classify.rules",
)


@dataclass(frozen=True)
class Location:
    """Where a finding is. ``path`` is relative to the project (or as given), with forward slashes."""

    path: str
    line: int | None = None
    """1-based line; None when the finding concerns the whole file."""
    column: int | None = None
    """1-based column on ``line``."""
    cell: int | None = None
    """For notebooks: the 1-based index of the cell, as notebook viewers number them."""
    member: str | None = None
    """A place inside the file that has no line: an archive member, a column, a manifest field."""
    offset: int | None = None
    """A byte offset into the file (binary formats); ``length`` bytes long when known."""
    length: int | None = None
    cell_line: int | None = None
    """For notebooks: the line inside the cell (``line`` is the line of the ``.ipynb`` file, when known)."""

    def __str__(self) -> str:
        text = self.path
        if self.cell is not None:
            text += f" [cell {self.cell}" + (f", line {self.cell_line}" if self.cell_line else "") + "]"
        if self.line:
            text += f":{self.line}" + (f":{self.column}" if self.column else "")
        if self.member and not (self.cell is not None and self.member.startswith("cell ")):
            text += f" [{self.member}]"
        if self.offset is not None and not self.line:
            text += f"@{self.offset}"
        return text


@dataclass(frozen=True)
class Rule:
    """What one kind of finding means. ``id`` is kebab-case and unique across every engine."""

    id: str
    title: str
    control: str
    """The plan control (DS-1 .. HS-5) the rule serves."""
    severity: Severity
    """The severity findings of this rule carry unless a finding says otherwise."""
    description: str = ""
    """Why it matters (SARIF fullDescription); the title when empty."""
    remediation: str = ""
    tags: tuple[str, ...] = ()
    """Extra tags (the engine, a category); the control id and ``security`` are always added."""

    @property
    def help_uri(self) -> str:
        return help_uri(self.id)


@dataclass(frozen=True)
class Finding:
    """One problem one engine found, in the shape every writer reads."""

    rule: str
    control: str
    severity: Severity
    message: str
    """Never a secret in clear: engines redact before building the finding."""
    location: Location | None = None
    remediation: str | None = None
    fingerprint: str = ""
    """Stable across runs and line moves: see :func:`fingerprint`."""
    id: str = ""
    """The id users type (waivers, baselines); the fingerprint when the engine has no id of its own."""
    help_uri: str | None = None
    state: FindingState = "open"
    """``waived`` and ``baseline`` findings are reported as suppressed, not dropped."""
    justification: str | None = None
    """Why a suppressed finding is accepted (the waiver, the baseline)."""
    properties: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """Engine-specific facts (advisories, verdict, symbol) for the writers that show them."""

    def __post_init__(self) -> None:
        if not self.fingerprint:
            path = self.location.path if self.location else ""
            object.__setattr__(self, "fingerprint", fingerprint(self.rule, path, self.message))
        if not self.id:
            object.__setattr__(self, "id", f"{self.rule}/{self.fingerprint[:12]}")
        if self.help_uri is None:
            object.__setattr__(self, "help_uri", help_uri(self.rule))


_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def normalise(context: str) -> str:
    """A snippet as the fingerprint sees it: whitespace collapsed, so re-indenting keeps the alert."""
    return _SPACE.sub(" ", context).strip()


def fingerprint(rule: str, path: str, context: str, *, where: str = "") -> str:
    """32 hex digits from the rule, the path, a place without a line number (``where``: a member,
    a cell) and the normalised ``context`` (the offending line's text, a secret's hash, a package
    and advisory). A line number alone would change at every edit above the finding."""
    subject = "\x00".join((rule, path.replace("\\", "/"), where, normalise(context)))
    return hashlib.sha256(subject.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def without_numbers(text: str) -> str:
    """A message with its numbers blanked: a fingerprint context for messages that quote lines or counts."""
    return _DIGITS.sub("#", text)


def help_uri(rule_id: str) -> str:
    return f"{HELP_BASE}#{rule_id}"


def worst_first(findings: Iterable[Finding]) -> list[Finding]:
    """Findings ordered by severity (worst first), then by rule, place and id: the order writers keep
    when they must drop some (GitHub's result limits)."""
    def key(f: Finding) -> tuple:
        loc = f.location
        return (-f.severity.rank, f.state != "open", f.rule, loc.path if loc else "", loc.line or 0 if loc else 0,
                f.id)
    return sorted(findings, key=key)


@cache
def rule_catalogue() -> Mapping[str, Rule]:
    """Every engine's rules by id. Two engines declaring one id is a programming error."""
    rules: dict[str, Rule] = {}
    for module_name in RULE_SOURCES:
        module = importlib.import_module(module_name)
        for rule in module.rules():
            if rule.id in rules and rules[rule.id] != rule:
                raise ValueError(f"rule {rule.id!r} is declared twice ({module_name})")
            rules[rule.id] = rule
    return rules


def get_rule(rule_id: str) -> Rule | None:
    return rule_catalogue().get(rule_id)
