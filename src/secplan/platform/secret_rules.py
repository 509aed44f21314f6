"""What a secret looks like: token families with their own shapes, and how to tell a real value from
a placeholder, a reference or a documented example.

The families are those ML teams leak: cloud, code hosting, package indexes, chat, model hubs, LLM and
vector-database APIs, experiment trackers, payment and mail APIs, private keys. Each pattern is
bounded (no unbounded repetition over input an attacker controls) and carries literal hints, so a
text that contains none of a rule's hints never runs its regex.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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
_END = r"(?![A-Za-z0-9_\-])"
H, C, M = Severity.HIGH, Severity.CRITICAL, Severity.MEDIUM
SECRET_RULES: tuple[SecretRule, ...] = (
    _r("AWS access key id", r"\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b", H, 1, "akia", "asia", "abia", "acca"),
    _r("AWS secret access key",
       r"(?i)aws_?secret_?(?:access_?)?key\w*" + _Q + r"[ \t]*[:=][ \t]*" + _Q + r"([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
       C, 1, "secret"),
    _r("GCP service-account private key", r'"private_key"\s*:\s*"(-----BEGIN PRIVATE KEY-----[^"]{20,})"',
       C, 1, "private_key"),
    _r("Google API key", r"\b(AIza[0-9A-Za-z_\-]{35})" + _END, H, 1, "aiza"),
    _r("Google OAuth client secret", r"\b(GOCSPX-[A-Za-z0-9_\-]{28})" + _END, H, 1, "gocspx-"),
    _r("Azure storage account key", r"(?i)AccountKey=([A-Za-z0-9+/]{86}==)", C, 1, "accountkey="),
    _r("Azure client secret",
       r"(?i)(?:azure|client)_?secret\w*" + _Q + r"[ \t]*[:=][ \t]*" + _Q + r"([A-Za-z0-9_~.\-]{3}8Q~[A-Za-z0-9_~.\-]{31,34})",
       H, 1, "8q~"),
    _r("GitHub token", r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b", H, 1,
       "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    _r("GitLab token", r"\b((?:glpat|gldt|glrt|glsoat|glcbt)-[A-Za-z0-9_\-]{20,64})" + _END, H, 1, "glpat-", "gldt-",
       "glrt-", "glsoat-", "glcbt-"),
    _r("PyPI upload token", r"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,300})" + _END, C, 1, "pypi-ageichlwas5vcmc"),
    _r("npm access token", r"\b(npm_[A-Za-z0-9]{36})\b", H, 1, "npm_"),
    _r("Slack token", r"\b(xox[abposr]-[0-9A-Za-z\-]{10,200})\b", H, 1, "xox"),
    _r("Slack webhook", r"(https://hooks\.slack\.com/services/T[A-Z0-9]{1,20}/B[A-Z0-9]{1,20}/[A-Za-z0-9]{20,40})", M, 1,
       "hooks.slack.com"),
    _r("Discord webhook", r"(https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{5,25}/[A-Za-z0-9_\-]{60,80})",
       M, 1, "discord"),
    _r("Telegram bot token", r"\b(\d{8,10}:AA[A-Za-z0-9_\-]{33})" + _END, H, 1, ":aa"),
    _r("Hugging Face token", r"\b(hf_[A-Za-z0-9]{34,40})\b", H, 1, "hf_"),
    _r("Anthropic API key", r"\b(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{80,120})", H, 1, "sk-ant-"),
    _r("OpenAI API key",
       r"\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,200}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48})"
       + _END, H, 1, "sk-"),
    _r("Groq API key", r"\b(gsk_[A-Za-z0-9]{52})\b", H, 1, "gsk_"),
    _r("Replicate API token", r"\b(r8_[A-Za-z0-9]{37})\b", H, 1, "r8_"),
    _r("Perplexity API key", r"\b(pplx-[A-Za-z0-9]{48})\b", H, 1, "pplx-"),
    _r("LangSmith API key", r"\b(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})\b", H, 1, "lsv2_"),
    _r("Pinecone API key", r"\b(pcsk_[A-Za-z0-9]{5,8}_[A-Za-z0-9]{60,70})" + _END, H, 1, "pcsk_"),
    _r("Weights & Biases API key",
       r"(?i)(?:wandb|wb)_?(?:api_?)?key\w*" + _Q + r"[ \t]*[:=(][ \t]*(?:key[ \t]*=[ \t]*)?" + _Q + r"([a-f0-9]{40}|local-[a-f0-9]{40})\b",
       H, 1, "key"),
    _r("Weights & Biases API key", r"wandb\.login\([^)]{0,200}key\s*=\s*[\"']([a-f0-9]{40})[\"']", H, 1, "key"),
    _r("Databricks token", r"\b(dapi[a-f0-9]{32}(?:-\d)?)\b", H, 1, "dapi"),
    _r("Stripe secret key", r"\b((?:sk|rk)_live_[A-Za-z0-9]{24,99})\b", C, 1, "_live_"),
    _r("SendGrid API key", r"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})" + _END, H, 1, "sg."),
    _r("Twilio API key", r"\b(SK[0-9a-fA-F]{32})\b", M, 1, "sk"),
    _r("Mailgun API key", r"\b(key-[0-9a-f]{32})\b", M, 1, "key-"),
    _r("Shopify access token", r"\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b", H, 1, "shpat_", "shpca_", "shppa_", "shpss_"),
    _r("Mailchimp API key", r"\b([0-9a-f]{32}-us\d{1,2})\b", M, 1, "-us"),
    _r("Heroku API key",
       r"(?i)heroku\w{0,30}" + _Q + r"[ \t]*[:=][ \t]*" + _Q + r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b",
       H, 1, "heroku"),
    _r("age secret key", r"\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b", C, 1, "age-secret-key-1"),
    _r("JSON web token", r"\b(eyJ[A-Za-z0-9_\-]{10,2000}\.eyJ[A-Za-z0-9_\-]{10,4000}\.[A-Za-z0-9_\-]{20,1000})" + _END,
       M, 1, "eyj"),
    _r("Private key", r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)", C, 1,
       "private key"),
)

#: Credentials inside any URL: ``scheme://user:password@host``. Database URLs are the common case in
#: ML code, package index URLs (``https://__token__:pypi-...@upload.pypi.org``) the costly one.
URL_CREDENTIALS = re.compile(r"\b([a-z][a-z0-9+.\-]{1,20})://([^\s:/@\"'<>]{1,100}):([^\s@/\"'<>]{3,200})@([\w.\-]{1,253})")

#: Hosts reserved for documentation (RFC 2606 / RFC 6761) and the words docs write for "your host".
_EXAMPLE_HOST = re.compile(r"(?i)^(?:localhost|127(?:\.\d{1,3}){3}|(?:[\w\-]+\.)*example(?:\.(?:com|net|org))?|"
                           r"(?:[\w\-]+\.)+(?:test|invalid|localhost)|(?:my|your|db)?host(?:name)?\d?|server|dsn)$")
#: Passwords that documentation uses in connection-string examples: Oracle's demo schema (scott/tiger),
#: "pass", and bracketed or angle-bracketed names of the field.
_EXAMPLE_PASSWORD = re.compile(r"(?i)^(?:pass|pwd|pw|tiger|\[.*\]?|\(.*\)?)$")

#: A variable or template reference, or a value that says it is not real.
PLACEHOLDER = re.compile(
    r"(?i)^(?:\$\{?[\w.:\-]+\}?|\$\(.*\)|<[^>]*>|\{\{.*\}\}|\{[\w.]+\}|%\(?\w+\)?s?|%[\w.]+%|x+|\*+|\.+|#+|-+|"
    r"changeme|change_?me|example\w*|dummy\w*|your[\w\-]*|my[\w\-]*(?:password|secret|token|key)[\w\-]*|"
    r"(?:test|fake|sample|placeholder|todo|fixme|secret|password|passwd|token|none|null|nil|undefined|redacted|"
    r"replace[\w\-]*|insert[\w\-]*|enter[\w\-]*|put[\w\-]*|add[\w\-]*)[\w\-]*|true|false|yes|no|on|off)$"
)
#: Values as vendors print them in documentation (AWS's ``AKIAIOSFODNN7EXAMPLE`` and friends): a
#: generated token never spells these words.
EXAMPLE_MARKER = re.compile(r"(?i)example|dummy|placeholder|redacted")
#: Filler that people type into examples and templates; too common in real hex to judge code by it.
FILLER = re.compile(r"(?i)x{6,}|0{8,}|1234567890|abcdefgh|(.)\1{7,}")


def entropy(text: str) -> float:
    """Shannon entropy per character: random tokens score above ~3.5, words and identifiers below."""
    if not text:
        return 0.0
    counts = {c: text.count(c) for c in set(text)}
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def is_example_credential(user: str, password: str, host: str) -> bool:
    """URL credentials as documentation writes them: a reserved or placeholder host, a demo password,
    or a password that repeats the user name (``postgres:postgres``, a default to change, not a leak
    of a chosen secret)."""
    return bool(_EXAMPLE_HOST.match(host) or _EXAMPLE_PASSWORD.match(password)) or password == user


def is_placeholder(value: str) -> bool:
    return bool(PLACEHOLDER.match(value.strip()))


def is_documented_example(value: str, *, filler: bool = False) -> bool:
    """A value marked as an example; with ``filler``, also typed filler (for templates and docs)."""
    return bool(EXAMPLE_MARKER.search(value) or (filler and FILLER.search(value)))


def looks_random(value: str) -> bool:
    """A value with the mixture and entropy of a generated token, not of a word, path or name."""
    if is_placeholder(value) or value.count("/") > 2:
        return False
    if re.fullmatch(r"[a-z0-9]+(?:[/\-_.:][a-z0-9]+)+", value):
        return False  # lowercase paths, slugs, dotted names and UUIDs
    if re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", value) or re.fullmatch(r"[A-Z_]+", value):
        return False  # identifiers, dotted names, constants
    classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
    return classes >= 2 and entropy(value) >= 3.5


def looks_like_password(value: str) -> bool:
    """A value assigned to a password-like name in a configuration file: anything that is not a
    placeholder, a reference or a single dictionary-like word is taken as real."""
    value = value.strip()
    if len(value) < 6 or is_placeholder(value) or is_documented_example(value, filler=True):
        return False
    if re.fullmatch(r"[A-Za-z]+", value) and (entropy(value) < 3.0 or re.fullmatch(r"[A-Z]?[a-z]+", value)):
        return False  # a word
    if re.fullmatch(r"[A-Za-z]+(?:[ _\-][A-Za-z]+)+", value) and entropy(value) < 3.6 \
            and not re.search(r"[A-Z]{2}|\d", value):
        return False  # words joined: a label or an identifier, not a password
    return not re.fullmatch(r"[\w.\-]*(?:\(|\[).*", value)  # a call or an index: code, not a value
