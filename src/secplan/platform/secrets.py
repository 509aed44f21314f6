"""Secrets ML teams leak: cloud, code-hosting, chat, model-hub and LLM API credentials, private keys,
database URLs with passwords, and high-entropy assignments.

Values never leave this module in clear: findings carry a redacted preview (a few leading characters)
and a SHA-256 fingerprint that a baseline file can accept without storing the secret.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from secplan.errors import InputError
from secplan.fsutil import atomic_write_text
from secplan.platform.findings import Finding, finding
from secplan.platform.secret_rules import (
    SECRET_RULES,
    URL_CREDENTIALS,
    is_documented_example,
    is_example_credential,
    is_placeholder,
    looks_like_password,
    looks_random,
)
from secplan.vocabulary import Severity

# Generic assignments are found value-first (a quoted 16+ character value after `=` or `:`, a cheap
# scan), then the name just before it is checked for a secret-like word.
_ASSIGNED = re.compile(r"""[:=][ \t]*[rbfu@]?["']([^"'\s]{16,})["']""")
_NAME_BEFORE = re.compile(r"""([\w.\-]{1,60})["']?(?:\[\])?[ \t]*:?[ \t]*$""")
# A quoted password of any length, found keyword-first (a cheap scan): the keyword, the rest of the
# name, then `=`, `:`, `:=` or `=>` in the forms of Python, JS, Go, Java, C, PHP, Ruby and Objective-C.
_PASSWORD_ASSIGNED = re.compile(
    r"""(?i:(passw(?:or)?d|pwd))([\w.\-]{0,40})["']?(?:\[\])?[ \t]*(?::=|=>|[:=])[ \t]*[rbfu@]?(["'])([^"'\s]{8,200})\3""")
_WORD_BEFORE = re.compile(r"[\w.\-]{0,40}$")
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
#: ``<password>value</password>``: XML configuration (Maven settings, .NET config, Tomcat users).
_XML_ELEMENT = re.compile(r"<([\w.\-]{1,60})>([^<>\s]{6,200})</\1>")
# Unquoted values count only where a value is a value: .env, INI, YAML, shell, properties files.
_UNQUOTED = re.compile(r"""(?m)^[ \t]*(?:export[ \t]+|set[ \t]+|ENV[ \t]+|ARG[ \t]+)?([\w.\-]{1,60})[ \t]*[:=][ \t]*([^\s"'#;&|`][^\s"';&|`]{5,199})(?:[ \t]+[#;].*)?[ \t]*$""")
_SECRET_WORD = re.compile(r"(?i)secret|token|passw(?:or)?d|pwd|api_?key|apikey|access_?key|auth_?key|credential|private_?key")
_PASSWORD_WORD = re.compile(r"(?i)passw(?:or)?d|pwd|secret")
# Bounded repetitions keep every pattern linear on adversarial input (a 5 MiB dotted run, say).
_NOT_A_VALUE_NAME = re.compile(
    r"(?i)(?:name|path|file|dir|url|uri|id|type|env|var|prefix|header|field|endpoint|pattern|regexp?|re|format|fmt|"
    r"template|length|len|size|ttl|timeout|expiry|expires|days|policy|mode|enabled|required)s?$"
)
_TF_VARIABLE = re.compile(r'variable[ \t]+"([\w\-]{1,100})"[ \t]*\{')
_TF_DEFAULT = re.compile(r'default[ \t]*=[ \t]*"([^"\n]{1,500})"')
_SUPPRESS = re.compile(r"pragma:[ \t]*allowlist[ \t]+(nextline[ \t]+)?secret|gitleaks:allow")
_DB_SCHEMES = re.compile(r"(?i)^(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|oracle|"
                         r"snowflake|clickhouse|cockroachdb)(?:\+\w+)?$")
_NEWLINE = re.compile(r"\n")
_CONFIG_SUFFIXES = (".env", ".ini", ".cfg", ".conf", ".properties", ".yaml", ".yml", ".toml", ".sh", ".bash", ".zsh",
                    ".tfvars", ".envrc", ".netrc", ".pgpass", ".npmrc", ".pypirc", ".service")
_EXAMPLE_NAME = re.compile(r"(?i)(?:^|[._\-/])(?:examples?|samples?|templates?|dist|tmpl|skel)(?:$|[._\-])")
_DOC_SUFFIXES = (".md", ".rst", ".adoc", ".txt")


@dataclass(frozen=True)
class FileContext:
    """How to read values in a file: what counts as a value, and whether it is a template or docs."""

    config: bool
    """Unquoted ``NAME=value`` is a value (in code it is an expression)."""
    example: bool
    """A template or documentation: generic assignments and filler values are not secrets there."""
    terraform: bool

    @classmethod
    def of(cls, path: str) -> FileContext:
        name = path.rsplit("/", 1)[-1].lower()
        in_docs = path.lower().startswith(("docs/", "doc/")) or "/docs/" in path.lower()
        example = bool(_EXAMPLE_NAME.search(name)) or (in_docs and name.endswith(_DOC_SUFFIXES)) \
            or name.endswith(_DOC_SUFFIXES[:3])
        config = name.startswith(".env") or name.endswith(_CONFIG_SUFFIXES) or name in {"dockerfile", "procfile"} \
            or name.rsplit(".", 1)[0].endswith(_CONFIG_SUFFIXES)
        return cls(config=config, example=example, terraform=name.endswith(".tf"))


def redact(value: str) -> str:
    """A preview that identifies a secret to its owner without disclosing it."""
    keep = 4 if len(value) >= 16 else 0
    return f"{value[:keep]}…({len(value)} chars)"


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def scan_text(text: str, path: str, *, line_offset: int = 0, member: str | None = None) -> Iterator[Finding]:
    """Findings for every secret in ``text``; each value reported once per line.

    Each rule runs once over the whole text (the regex engine's loop, not Python's), and offsets are
    mapped to line numbers afterwards: this is what makes large trees fast. Lines marked with the
    allowlist comments detect-secrets and gitleaks users already write are not reported.
    """
    context = FileContext.of(path)
    hits = _Hits(text)
    lowered = text.lower()
    for rule in SECRET_RULES:
        if rule.hints and not any(h in lowered for h in rule.hints):
            continue
        for match in rule.pattern.finditer(text):
            value = match.group(rule.group)
            if not is_documented_example(value, filler=context.example):
                hits.add(match.start(), rule.name, rule.severity, value)
    if "://" in text:
        for match in URL_CREDENTIALS.finditer(text):
            scheme, password = match.group(1), match.group(3)
            if is_placeholder(password) or is_documented_example(password, filler=context.example) \
                    or is_example_credential(match.group(2), password, match.group(4)):
                continue
            kind = "Database URL with password" if _DB_SCHEMES.match(scheme) else "Credentials in URL"
            hits.add(match.start(3), kind, Severity.HIGH, password)
    if not context.example:
        _generic(text, lowered, context, hits)
    suppressed = _suppressed_lines(text) if ("allowlist" in lowered or "gitleaks:allow" in lowered) else set()
    for line, kind, severity, value in sorted(hits.found, key=lambda h: h[0]):
        if line not in suppressed:
            yield _secret(kind, severity, value, path, line + line_offset, member)


class _Hits:
    """Found values by line, each value once per line (a specific rule wins over a generic one)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.found: list[tuple[int, str, Severity, str]] = []
        self._seen: set[tuple[int, str]] = set()

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def add(self, offset: int, kind: str, severity: Severity, value: str, *, generic: bool = False) -> None:
        line = self.line(offset)
        if (line, value) in self._seen:
            return
        if generic and any(n == line and (value in v or v in value) for n, v in self._seen):
            return
        self._seen.add((line, value))
        self.found.append((line, kind, severity, value))


def _secret_name(name: str) -> re.Match[str] | None:
    word = _SECRET_WORD.search(name)
    if word is None or _NOT_A_VALUE_NAME.search(name[word.end():] or name):
        return None
    return word


def _generic(text: str, lowered: str, context: FileContext, hits: _Hits) -> None:
    """Values under secret-like names: quoted anywhere, unquoted in configuration files, and the
    defaults of Terraform variables whose names say they are secrets."""
    for match in _ASSIGNED.finditer(text):
        value = match.group(1)
        before = _NAME_BEFORE.search(text, max(0, match.start() - 64), match.start())
        if before is not None and _secret_name(before.group(1)) and looks_random(value) \
                and not is_documented_example(value):
            hits.add(match.start(1), "High-entropy secret assignment", Severity.MEDIUM, value, generic=True)
    for match in _password_assignments(text, lowered):
        prefix = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
        name = (prefix.group(0) if prefix else "") + match.group(1) + match.group(2)
        value = match.group(4)
        if _secret_name(name) is None or _CONSTANT.fullmatch(value) or not _mixed(value) \
                or not looks_like_password(value) or is_documented_example(value):
            continue
        hits.add(match.start(4), "Password in code or configuration", Severity.MEDIUM, value, generic=True)
    if "</" in text:
        for match in _XML_ELEMENT.finditer(text):
            word = _secret_name(match.group(1))
            value = match.group(2)
            if word is None or is_placeholder(value) or is_documented_example(value, filler=True):
                continue
            if looks_random(value) or (_PASSWORD_WORD.search(word.group(0)) and looks_like_password(value)):
                hits.add(match.start(2), "Secret in an XML element", Severity.MEDIUM, value, generic=True)
    if context.config:
        for match in _UNQUOTED.finditer(text):
            name, value = match.group(1), match.group(2)
            word = _secret_name(name)
            if word is None or is_placeholder(value) or is_documented_example(value, filler=True):
                continue
            if looks_random(value):
                hits.add(match.start(2), "High-entropy secret assignment", Severity.MEDIUM, value, generic=True)
            elif _PASSWORD_WORD.search(word.group(0)) and looks_like_password(value):
                hits.add(match.start(2), "Password in configuration", Severity.MEDIUM, value, generic=True)
    if context.terraform:
        for variable in _TF_VARIABLE.finditer(text):
            if _secret_name(variable.group(1).replace("-", "_")) is None:
                continue
            body = text[variable.end(): _block_end(text, variable.end())]
            default = _TF_DEFAULT.search(body)
            if default and not is_placeholder(default.group(1)) and looks_like_password(default.group(1)):
                hits.add(variable.end() + default.start(1), "Secret in a Terraform variable default", Severity.HIGH,
                         default.group(1), generic=True)


def _password_assignments(text: str, lowered: str) -> Iterator[re.Match[str]]:
    """Matches of :data:`_PASSWORD_ASSIGNED`, tried only where its keyword occurs (``str.find`` is far
    faster than a case-insensitive regex scan of the whole text)."""
    for keyword in ("passw", "pwd"):
        index = lowered.find(keyword)
        while index >= 0:
            match = _PASSWORD_ASSIGNED.match(text, index)
            if match:
                yield match
            index = lowered.find(keyword, index + len(keyword))


def _mixed(value: str) -> bool:
    """Letters with digits or symbols: what password rules ask for, and what words and labels lack."""
    return bool(re.search(r"[A-Za-z]", value)) and bool(re.search(r"[^A-Za-z]", value))


def _block_end(text: str, start: int, limit: int = 4000) -> int:
    """The offset of the brace that closes the block opened just before ``start`` (bounded)."""
    depth = 1
    end = min(len(text), start + limit)
    for index in range(start, end):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
    return end


def _suppressed_lines(text: str) -> set[int]:
    """1-based lines an allowlist comment covers: its own, or the next for ``nextline``."""
    lines: set[int] = set()
    for number, line in enumerate(text.splitlines(), 1):
        marker = _SUPPRESS.search(line)
        if marker:
            lines.add(number + 1 if marker.group(1) else number)
    return lines


def remediation_for(kind: str) -> str:
    """What to do about one kind of secret: a password is changed, a token revoked at its issuer, a
    key pair replaced, a Terraform default removed; then the value comes from outside the code."""
    load = "load it at run time from the environment or a secret manager, never from the repository"
    if kind == "Private key" or kind == "GCP service-account private key":
        return (f"Treat the key as compromised: replace the key pair (or the service-account key), remove the "
                f"old one wherever it is trusted, purge the file from the history, and {load}.")
    if kind == "Secret in a Terraform variable default":
        return ("Delete the `default`, mark the variable `sensitive = true`, change the value, and pass it as "
                "`TF_VAR_<name>` or from a secret store (Vault, AWS Secrets Manager, SOPS).")
    if kind in ("Password in configuration", "Password in code or configuration", "Database URL with password",
                "Credentials in URL", "High-entropy secret assignment", "Secret in an XML element"):
        return (f"Change the password or key on the service it opens, then {load}; in URLs, leave the "
                "credentials out (`${DB_PASSWORD}`, a `.netrc`, or the client's keyring).")
    if kind.endswith("webhook"):
        return f"Delete the webhook and create a new one (its URL is the credential); {load}."
    return (f"Revoke the {kind} at its issuer (a new token does not invalidate the leaked one), check the "
            f"issuer's audit log for its use, purge it from the history, and {load}.")


def _secret(kind: str, severity: Severity, value: str, path: str, line: int, member: str | None) -> Finding:
    preview = redact(value) if kind != "Private key" else "-----BEGIN … PRIVATE KEY-----"
    return finding("secret-in-code", path, line, f"{kind}: {preview}", severity=severity, member=member,
                   fingerprint=fingerprint(value), extra={"secret_type": kind}, remediation=remediation_for(kind))


_BASELINE_NAMES = {".secrets.baseline", ".gitleaksignore", "gitleaks-baseline.json", ".gitleaks-baseline.json"}


def is_secrets_baseline(name: str, text: str) -> bool:
    """A baseline of detect-secrets, gitleaks or secplan: it holds hashes and fingerprints of
    accepted findings, which look like secrets and are not."""
    if name.lower() in _BASELINE_NAMES:
        return True
    head = text[:4096]
    return '"hashed_secret"' in head or ('"accepted"' in head and '"fingerprint"' in head) \
        or ('"RuleID"' in head and '"Fingerprint"' in head)


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
