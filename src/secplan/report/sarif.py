"""The one SARIF 2.1.0 writer: every command's findings, shaped the way GitHub code scanning reads them.

:func:`build_log` takes :class:`secplan.findings.Finding` objects from any engine and writes one run:
one rule per rule id that has a result (short and full description, help text and Markdown,
``helpUri``, tags with the control id, ``security-severity``), one result per finding with
``partialFingerprints``, and suppressed results for waived and baselined findings. GitHub refuses
a run with more than 25,000 results or an upload over 10 MB gzipped, so the writer keeps the worst
findings within both limits and says what it dropped in the run's ``toolExecutionNotifications``
(and to the caller, which prints it on stderr).

:class:`SarifWriter` is the assessment report's format; it turns the assessment document into
findings and calls :func:`build_log`, as ``model scan``, ``platform scan`` and ``data classify`` do.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from secplan import __version__
from secplan.assess.interface import ProbeDef
from secplan.assess.result import AssessmentDoc, ControlDoc, FindingDoc
from secplan.findings import Finding, Location, Rule, get_rule, worst_first
from secplan.findings import fingerprint as make_fingerprint
from secplan.fsutil import path_uri, text_path
from secplan.report import view
from secplan.report.interface import Writer
from secplan.vocabulary import Severity

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/secplan/secplan"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "secplanFindingId/v1"
"""The finding id users type in waivers and baselines."""
HASH_KEY = "secplanFinding/v1"
"""The 32-hex fingerprint (rule, path, normalised context) that survives line moves."""

#: GitHub maps security-severity to its levels: >=9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


@dataclass(frozen=True)
class Limits:
    """What GitHub code scanning accepts (docs: "SARIF results exceed limits", "file too large")."""

    max_results: int = 25_000
    """Results per run; GitHub rejects a run with more."""
    max_gzip_bytes: int = 10 * 1024 * 1024
    """The upload is gzipped; GitHub rejects one over 10 MB."""
    max_tags: int = 10
    """Tags per rule GitHub displays (it accepts 20)."""


GITHUB = Limits()


@dataclass(frozen=True)
class SarifLog:
    log: dict[str, Any]
    notices: tuple[str, ...]
    """What was dropped and why; also in the run's toolExecutionNotifications."""

    def text(self) -> str:
        return render(self.log)


def render(log: Mapping[str, Any]) -> str:
    """Compact JSON: SARIF is read by machines, and indenting costs 5x (Python's pure encoder)."""
    return json.dumps(log, ensure_ascii=False, separators=(",", ":")) + "\n"


def artifact_uri(path: str) -> str:
    """A relative, percent-encoded URI with forward slashes, as SARIF consumers resolve against the root.
    Bytes that are not UTF-8 (kept by ``surrogateescape``, or escaped by :func:`secplan.fsutil.path_text`
    as documents write them) are percent-encoded as the bytes they are."""
    try:
        return path_uri(text_path(path).lstrip("/"))
    except ValueError:  # not from path_text: a Windows-style path
        raw = path.replace("\\", "/").lstrip("/").encode("utf-8", "surrogateescape")
        return quote(raw, safe="/")


def rule_name(rule_id: str) -> str:
    """``unsafe-model-format`` -> ``UnsafeModelFormat`` (SARIF's human-readable rule name)."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", rule_id) if part)


RuleLookup = Callable[[str], Rule | None]


def build_log(
    findings: Iterable[Finding],
    *,
    tool: str = "secplan",
    version: str = __version__,
    rules: RuleLookup = get_rule,
    automation_id: str | None = None,
    base_uri: bool = True,
    properties: Mapping[str, Any] | None = None,
    limits: Limits = GITHUB,
) -> SarifLog:
    """One run with the worst findings that fit ``limits``; ``rules`` supplies rule metadata by id
    (the engines' catalogue by default; a finding whose rule it lacks gets metadata from itself).
    ``base_uri``: paths are relative to the project root (``%SRCROOT%``), not as given."""
    ordered = worst_first(findings)
    notices: list[str] = []
    kept = ordered
    if len(kept) > limits.max_results:
        kept = ordered[: limits.max_results]
        notices.append(_dropped(ordered, len(kept), f"more than {limits.max_results:,} results, GitHub's limit "
                                                    "per run"))

    def assemble(selected: Sequence[Finding], notes: Sequence[str]) -> dict[str, Any]:
        return _log(selected, notes, tool=tool, version=version, rules=rules, automation_id=automation_id,
                    base_uri=base_uri, properties=properties, limits=limits)

    log = assemble(kept, notices)
    if not _fits(log, limits.max_gzip_bytes):
        count = _fit(kept, notices, assemble, limits.max_gzip_bytes)
        notices = [*notices, _dropped(ordered, count, f"more than {limits.max_gzip_bytes // (1024 * 1024)} MB "
                                                      "gzipped, GitHub's upload limit")]
        log = assemble(kept[:count], notices)
    return SarifLog(log, tuple(notices))


def _fit(kept: Sequence[Finding], notices: Sequence[str], assemble: Callable[..., dict[str, Any]],
         limit: int) -> int:
    """The most results (a prefix: the worst) whose log gzips within ``limit``: a binary search."""
    placeholder = [*notices, "x" * 300]
    low, high = 0, len(kept)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(assemble(kept[:middle], placeholder), limit):
            low = middle
        else:
            high = middle - 1
    return low


def _dropped(ordered: Sequence[Finding], kept: int, why: str) -> str:
    dropped = ordered[kept:]
    least = ordered[kept - 1].severity.value if kept else "none"
    worst = dropped[0].severity.value if dropped else "none"
    return (f"SARIF truncated: {len(dropped):,} of {len(ordered):,} results dropped ({why}); the {kept:,} most "
            f"severe are kept (least severe kept: {least}; worst dropped: {worst}). The JSON report has them all.")


def _fits(log: Mapping[str, Any], limit: int) -> bool:
    """Whether the log gzips within ``limit`` bytes. Compressing is skipped when the text itself fits
    (gzip adds at most about 0.1% and a few bytes to data it cannot shrink)."""
    raw = render(log).encode("utf-8", "surrogateescape")
    if len(raw) + len(raw) // 500 + 64 <= limit:
        return True
    return len(gzip.compress(raw, compresslevel=6, mtime=0)) <= limit


def _log(findings: Sequence[Finding], notices: Sequence[str], *, tool: str, version: str, rules: RuleLookup,
         automation_id: str | None, base_uri: bool, properties: Mapping[str, Any] | None,
         limits: Limits) -> dict[str, Any]:
    rule_docs: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for finding in findings:
        if finding.rule not in index:
            index[finding.rule] = len(rule_docs)
            rule_docs.append(_rule(finding, rules(finding.rule), limits))
        rule_doc = rule_docs[index[finding.rule]]
        severity = SECURITY_SEVERITY[finding.severity]
        if float(severity) > float(rule_doc["properties"]["security-severity"]):
            rule_doc["properties"]["security-severity"] = severity
            rule_doc["defaultConfiguration"]["level"] = LEVEL[finding.severity]
        results.append(_result(finding, index[finding.rule], base_uri))
    driver: dict[str, Any] = {"name": tool, "version": version, "informationUri": INFORMATION_URI,
                              "rules": rule_docs}
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notices:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "descriptor": {"id": "sarif-truncated"}, "message": {"text": text}}
            for text in notices
        ]
    run: dict[str, Any] = {"tool": {"driver": driver}, "invocations": [invocation]}
    if automation_id:
        run["automationDetails"] = {"id": automation_id}
    if base_uri:
        run["originalUriBaseIds"] = {SRCROOT: {"description": {"text": "The scanned project's root."}}}
    run["results"] = results
    if properties:
        run["properties"] = dict(properties)
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _rule(finding: Finding, rule: Rule | None, limits: Limits) -> dict[str, Any]:
    title = rule.title if rule else finding.rule
    control = rule.control if rule else finding.control
    severity = rule.severity if rule else finding.severity
    description = (rule.description if rule else "") or title
    remediation = (rule.remediation if rule else "") or finding.remediation or ""
    help_text = f"{description}\n\nRemediation: {remediation}\n\nControl {control}." if remediation else \
        f"{description}\n\nControl {control}."
    help_markdown = (f"{description}\n\n" + (f"**Remediation:** {remediation}\n\n" if remediation else "")
                     + f"Control **{control}**. [More about `{finding.rule}`]({finding.help_uri}).")
    tags = list(dict.fromkeys(["security", control, *(rule.tags if rule else ())]))[: limits.max_tags]
    return {
        "id": finding.rule,
        "name": rule_name(finding.rule),
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "helpUri": finding.help_uri,
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {"tags": tags, "security-severity": SECURITY_SEVERITY[severity], "precision": "high"},
    }


def _result(finding: Finding, index: int, base_uri: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.location, base_uri)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.id, HASH_KEY: finding.fingerprint},
        "properties": {"control": finding.control, "severity": finding.severity.value, "state": finding.state,
                       "security-severity": SECURITY_SEVERITY[finding.severity], **finding.properties},
    }
    if finding.state != "open":
        default = "in the baseline (known before)" if finding.state == "baseline" else "waived"
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": finding.justification or default}]
    return result


def _location(loc: Location | None, base_uri: bool) -> dict[str, Any]:
    """A file location. GitHub anchors alerts to a line, so a finding without a line or a byte
    offset points at line 1; a notebook cell and an archive member are logical locations. A
    notebook finding's line is the line of the .ipynb file (what GitHub shows); the cell's logical
    location names the cell and the line inside it."""
    loc = loc or Location(view.PLAN_FILE)
    artifact: dict[str, Any] = {"uri": artifact_uri(loc.path) if base_uri else _plain_uri(loc.path)}
    if base_uri:
        artifact["uriBaseId"] = SRCROOT
    region: dict[str, Any]
    if loc.line:
        region = {"startLine": loc.line} | ({"startColumn": loc.column} if loc.column else {})
    elif loc.offset is not None and loc.member is None:
        region = {"byteOffset": loc.offset} | ({"byteLength": loc.length} if loc.length is not None else {})
    else:
        region = {"startLine": 1}
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    logical = []
    if loc.cell is not None:
        where = f", line {loc.cell_line}" + (f", column {loc.column}" if loc.column else "") if loc.cell_line else ""
        logical.append({"name": f"cell {loc.cell}{where}", "kind": "element"})
    if loc.member and not (loc.cell is not None and loc.member.startswith("cell ")):
        logical.append({"name": loc.member, "kind": "member"})
    if logical:
        location["logicalLocations"] = logical
    return location


def _plain_uri(path: str) -> str:
    """A path as the user gave it (absolute paths become file URIs), percent-encoded."""
    raw = path.replace("\\", "/")
    if raw.startswith("/"):
        return "file://" + quote(raw.encode("utf-8", "surrogateescape"), safe="/")
    return artifact_uri(raw)


# -- the assessment report ---------------------------------------------------------------------------

ProbeLookup = Callable[[str], ProbeDef | None]


def registered_probe(probe_id: str) -> ProbeDef | None:
    """The probe's ``def.yml`` metadata, when the probe is registered in this installation."""
    from secplan.assess.registry import all_probes

    for probe in all_probes():
        if probe.id == probe_id:
            return probe.definition
    return None


_CELL = re.compile(r"cell (\d+)(?:, line (\d+))?")


def assessment_finding(control: ControlDoc, finding: FindingDoc) -> Finding:
    """A finding of the assessment document in the one finding model. Its rule is the engine's rule
    when the probe reports one (``platform scan`` and ``model scan`` use the same id), else the probe."""
    loc = finding.location
    location = None
    if loc is not None:
        cell = _CELL.match(loc.member or "")
        location = Location(loc.path, loc.line, member=loc.member, cell=int(cell.group(1)) if cell else None,
                            cell_line=int(cell.group(2)) if cell and cell.group(2) else None)
    rule = finding.details.get("rule") if isinstance(finding.details.get("rule"), str) else None
    rule = rule if rule and get_rule(rule) else finding.probe
    state = finding.state or "open"
    justification = None
    if state == "waived":
        justification = f"waived by {finding.waiver}" if finding.waiver else "waived"
    return Finding(
        rule=rule, control=control.id, severity=finding.severity, message=f"{finding.message} ({control.id})",
        location=location, remediation=finding.remediation, id=finding.id,
        fingerprint=make_fingerprint(rule, loc.path if loc else "", finding.id),
        state=state, justification=justification,
        properties={"probe": finding.probe} if rule != finding.probe else {},
    )


def _mark_baseline_state(log: dict[str, Any], doc: AssessmentDoc) -> None:
    """SARIF's own way to say what changed: ``baselineState`` ``new`` or ``unchanged`` on each open
    result against the previous assessment of the branch, and the counts in the run's properties
    (fixed findings are not emitted as results: code scanning would show them as alerts)."""
    assert doc.changes is not None and doc.changes.previous is not None
    new = {f.id for f in doc.changes.new}
    run = log["runs"][0]
    for result in run["results"]:
        if result["properties"].get("state") == "open":
            result["baselineState"] = "new" if result["partialFingerprints"][FINGERPRINT_KEY] in new else "unchanged"
    run.setdefault("properties", {}).update(previousAssessment=doc.changes.previous.assessment,
                                            newFindings=len(doc.changes.new), fixedFindings=len(doc.changes.fixed))


class SarifWriter(Writer):
    name: ClassVar[str] = "sarif"
    media_type: ClassVar[str] = "application/sarif+json"
    suffix: ClassVar[str] = ".sarif"

    def __init__(self, probe_lookup: ProbeLookup | None = registered_probe, limits: Limits = GITHUB) -> None:
        """``probe_lookup`` supplies probe titles and rationale; without it rules use the control's text."""
        self._lookup = probe_lookup
        self._limits = limits
        self.notices: tuple[str, ...] = ()

    def render(self, doc: AssessmentDoc) -> str:
        return render(self.log(doc))

    def log(self, doc: AssessmentDoc) -> dict[str, Any]:
        """The SARIF log as a dict (for callers that post-process or validate it)."""
        pairs = [(c, f) for c in doc.controls for f in view.negative_findings(c) if f.state is not None]
        findings = [assessment_finding(c, f) for c, f in pairs]
        probe_rules = {f.rule: self._probe_rule(c, doc_f) for (c, doc_f), f in zip(pairs, findings, strict=True)
                       if f.rule == doc_f.probe}

        def lookup(rule_id: str) -> Rule | None:
            return probe_rules.get(rule_id) or get_rule(rule_id)

        built = build_log(findings, tool=doc.tool.get("name", "secplan"), version=doc.tool.get("version", "0"),
                          rules=lookup, automation_id=f"secplan/{view.project_name(doc)}/",
                          properties={"score": doc.score, "coverage": doc.coverage, "failOn": doc.fail_on.value,
                                      "failed": doc.failed}, limits=self._limits)
        self.notices = built.notices
        if doc.changes is not None and doc.changes.previous is not None:
            _mark_baseline_state(built.log, doc)
        return built.log

    def _probe_rule(self, control: ControlDoc, finding: FindingDoc) -> Rule:
        probe = self._lookup(finding.probe) if self._lookup else None
        if probe is not None:
            return Rule(finding.probe, probe.title, control.id, probe.severity, probe.rationale,
                        probe.remediation or finding.remediation or control.checks,
                        tags=(f"secplan/{control.pillar.value}",))
        return Rule(finding.probe, f"{control.id} {control.title}: {finding.probe}", control.id, finding.severity,
                    f"{control.asks} secplan checks: {control.checks}", finding.remediation or control.checks,
                    tags=(f"secplan/{control.pillar.value}",))
