"""Secrets ML teams leak: cloud, code-hosting, chat, model-hub and LLM API credentials, private keys,
database URLs with passwords, and high-entropy assignments.

Values never leave this module in clear: findings carry a redacted preview (a few leading characters)
and a SHA-256 fingerprint that a baseline file can accept without storing the secret.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from secplan.errors import InputError
from secplan.fsutil import atomic_write_text
from secplan.platform.findings import Finding, finding
from secplan.vocabulary import Severity


@dataclass(frozen=True)
class SecretRule:
    name: str
    pattern: re.Pattern[str]
    severity: Severity = Severity.HIGH
    group: int = 0
    """The regex group holding the secret value itself."""
    hints: tuple[str, ...] = ()
    """Lower-case substrings one of which every match contains: a text without any skips the regex."""


def _r(name: str, pattern: str, severity: Severity = Severity.HIGH, group: int = 0, *hints: str) -> SecretRule:
    return SecretRule(name, re.compile(pattern), severity, group, hints)


_Q = r"""["']?"""
SECRET_RULES: tuple[SecretRule, ...] = (
    _r("AWS access key id", r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b", Severity.HIGH, 1, "akia", "asia"),
    _r("AWS secret access key",
       r"(?i)aws_?secret_?(?:access_?)?key\w*" + _Q + r"[ \t]*[:=][ \t]*" + _Q + r"([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
       Severity.CRITICAL, 1, "secret"),
    _r("GCP service-account private key", r'"private_key"\s*:\s*"(-----BEGIN PRIVATE KEY-----[^"]{20,})"',
       Severity.CRITICAL, 1, "private_key"),
    _r("Google API key", r"\b(AIza[0-9A-Za-z_\-]{35})(?![0-9A-Za-z_\-])", Severity.HIGH, 1, "aiza"),
    _r("Azure storage account key", r"(?i)AccountKey=([A-Za-z0-9+/]{86}==)", Severity.CRITICAL, 1, "accountkey="),
    _r("Azure client secret",
       r"(?i)(?:azure|client)_?secret\w*" + _Q + r"[ \t]*[:=][ \t]*" + _Q + r"([A-Za-z0-9_~.\-]{3}8Q~[A-Za-z0-9_~.\-]{31,34})",
       Severity.HIGH, 1, "8q~"),
    _r("GitHub token", r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b", Severity.HIGH, 1, "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    _r("GitLab token", r"\b(glpat-[A-Za-z0-9_\-]{20,})\b", Severity.HIGH, 1, "glpat-"),
    _r("Slack token", r"\b(xox[abposr]-[0-9A-Za-z\-]{10,})\b", Severity.HIGH, 1, "xox"),
    _r("Slack webhook", r"(https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{20,})", Severity.MEDIUM, 1, "hooks.slack.com"),
    _r("Hugging Face token", r"\b(hf_[A-Za-z0-9]{34,40})\b", Severity.HIGH, 1, "hf_"),
    _r("Anthropic API key", r"\b(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{80,})", Severity.HIGH, 1, "sk-ant-"),
    _r("OpenAI API key",
       r"\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48})(?![A-Za-z0-9_\-])",
       Severity.HIGH, 1, "sk-"),
    _r("Weights & Biases API key",
       r"(?i)(?:wandb|wb)_?(?:api_?)?key\w*" + _Q + r"[ \t]*[:=(][ \t]*(?:key[ \t]*=[ \t]*)?" + _Q + r"([a-f0-9]{40}|local-[a-f0-9]{40})\b",
       Severity.HIGH, 1, "key"),
    _r("Weights & Biases API key", r"wandb\.login\([^)]*key\s*=\s*[\"']([a-f0-9]{40})[\"']", Severity.HIGH, 1, "key"),
    _r("Databricks token", r"\b(dapi[a-f0-9]{32}(?:-\d)?)\b", Severity.HIGH, 1, "dapi"),
    _r("Private key", r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)",
       Severity.CRITICAL, 1, "private key"),
    _r("Database URL with password",
       r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql)(?:\+\w+)?://[^\s:/@\"']+:([^\s@/\"']{3,})@[\w.\-]+",
       Severity.HIGH, 1, "://"),
)

# Generic assignments are found value-first (a quoted 16+ character value after `=` or `:`, a cheap
# scan), then the name just before it is checked for a secret-like word.
_ASSIGNED = re.compile(r"""[:=][ \t]*[rbf]?["']([^"'\s]{16,})["']""")
_NAME_BEFORE = re.compile(r"""([\w.\-]{1,60})["']?[ \t]*$""")
_SECRET_WORD = re.compile(r"(?i)secret|token|passw(?:or)?d|pwd|api_?key|apikey|access_?key|auth_?key|credential")
# Bounded repetitions keep every pattern linear on adversarial input (a 5 MiB dotted run, say).
_NOT_A_VALUE_NAME = re.compile(
    r"(?i)(?:name|path|file|dir|url|uri|id|type|env|var|prefix|header|field|endpoint|pattern|regexp?|re|format|fmt|"
    r"template)s?$"
)
_PLACEHOLDER = re.compile(
    r"(?i)^(?:\$\{?[\w.]+\}?|<[^>]*>|\{\{.*\}\}|%\(?\w+\)?s?|x+|\*+|\.+|changeme|example\w*|dummy\w*|your[\w\-]*|"
    r"(?:test|fake|sample|placeholder)[\w\-]*|none|null|redacted)$"
)


_NEWLINE = re.compile(r"\n")


def entropy(text: str) -> float:
    """Shannon entropy per character: random tokens score above ~3.5, words and identifiers below."""
    counts = {c: text.count(c) for c in set(text)}
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def redact(value: str) -> str:
    """A preview that identifies a secret to its owner without disclosing it."""
    keep = 4 if len(value) >= 16 else 0
    return f"{value[:keep]}…({len(value)} chars)"


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _looks_generic_secret(value: str) -> bool:
    if _PLACEHOLDER.match(value) or value.count("/") > 2:
        return False
    if re.fullmatch(r"[a-z0-9]+(?:[/\-_.:][a-z0-9]+)+", value):
        return False  # lowercase paths, slugs, dotted names and UUIDs
    if re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", value) or re.fullmatch(r"[A-Z_]+", value):
        return False  # identifiers, dotted names, constants
    classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
    return classes >= 2 and entropy(value) >= 3.5


def scan_text(text: str, path: str, *, line_offset: int = 0, member: str | None = None) -> Iterator[Finding]:
    """Findings for every secret in ``text``; each value reported once per line.

    Each rule runs once over the whole text (the regex engine's loop, not Python's), and offsets are
    mapped to line numbers afterwards: this is what makes large trees fast.
    """
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    seen: set[tuple[int, str]] = set()
    hits: list[tuple[int, str, Severity, str]] = []
    lowered = text.lower()
    for rule in SECRET_RULES:
        if rule.hints and not any(h in lowered for h in rule.hints):
            continue
        for match in rule.pattern.finditer(text):
            value = match.group(rule.group)
            line = bisect.bisect_right(starts, match.start())
            if (line, value) in seen or (rule.name == "Database URL with password" and _PLACEHOLDER.match(value)):
                continue
            seen.add((line, value))
            hits.append((line, rule.name, rule.severity, value))
    for match in _ASSIGNED.finditer(text):
        value = match.group(1)
        before = _NAME_BEFORE.search(text, max(0, match.start() - 64), match.start())
        if before is None:
            continue
        name = before.group(1)
        word = _SECRET_WORD.search(name)
        line = bisect.bisect_right(starts, match.start())
        if word is None or _NOT_A_VALUE_NAME.search(name[word.end():] or name):
            continue
        if any(n == line and (value in v or v in value) for n, v in seen):
            continue
        if _looks_generic_secret(value):
            seen.add((line, value))
            hits.append((line, "High-entropy secret assignment", Severity.MEDIUM, value))
    for line, kind, severity, value in sorted(hits, key=lambda h: h[0]):
        yield _secret(kind, severity, value, path, line + line_offset, member)


def _secret(kind: str, severity: Severity, value: str, path: str, line: int, member: str | None) -> Finding:
    preview = redact(value) if kind != "Private key" else "-----BEGIN … PRIVATE KEY-----"
    return finding("secret-in-code", path, line, f"{kind}: {preview}", severity=severity, member=member,
                   fingerprint=fingerprint(value), extra={"secret_type": kind})


# --- baseline ---------------------------------------------------------------------------------

def load_baseline(path: Path) -> set[tuple[str, str]]:
    """Accepted (path, fingerprint) pairs from a baseline file written by :func:`write_baseline`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {(str(e["path"]), str(e["fingerprint"])) for e in data["accepted"]}
    except FileNotFoundError:
        raise InputError(f"{path}: baseline file not found") from None
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a secplan secrets baseline ({type(exc).__name__})") from None


def write_baseline(path: Path, findings: list[Finding]) -> int:
    """Accept the current secret findings: stores paths, types and fingerprints only, never values."""
    accepted = sorted({(f.path, f.fingerprint or "", f.extra.get("secret_type", "")) for f in findings
                       if f.category == "secret"})
    doc = {"version": 1, "accepted": [{"path": p, "fingerprint": h, "type": t} for p, h, t in accepted]}
    atomic_write_text(path, json.dumps(doc, indent=2) + "\n")
    return len(accepted)


def apply_baseline(findings: list[Finding], accepted: set[tuple[str, str]]) -> list[Finding]:
    return [f for f in findings if f.category != "secret" or (f.path, f.fingerprint) not in accepted]
