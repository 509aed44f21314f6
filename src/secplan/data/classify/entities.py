"""The entity types secplan detects: Presidio's names where Presidio has one, a candidate pattern
(RE2 syntax that Python's ``re`` also reads, so text offsets can be recovered on candidate lines),
the validator run on candidates, and the column-name and context hints that raise confidence.

Patterns are deliberately broad; precision comes from validators and hints, not from the pattern.
Entities marked ``needs_hint`` (bare 9-digit passports, bank account numbers...) are too generic to
report without a column name or a nearby word that says what they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from secplan.data.classify import validators as v


@dataclass(frozen=True)
class Entity:
    name: str
    pattern: str | None
    """Finds candidates inside a value or a line; ``None`` for lexicon-based entities."""
    validate: Callable[[str], bool] | None = None
    hints: frozenset[str] = field(default_factory=frozenset)
    """Column-name tokens that say the column holds this entity (``email``, ``ssn``...)."""
    context: tuple[str, ...] = ()
    """Words that, within a few words before a match in text, say what the number is."""
    needs_hint: bool = False
    checksum: bool = False
    """The validator is a checksum or a registry rule: a passing candidate is rarely a coincidence."""
    base: float = 0.6
    """Confidence of a validated match with no hint, before the match ratio is applied."""
    group: str | None = None
    """Entities of one group compete for a column of single values: the best one wins."""
    lenient: Callable[[str], bool] | None = None
    """Used instead of ``validate`` when a column name or context word names the entity."""

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern or "")

    def validator(self, hinted: bool) -> Callable[[str], bool] | None:
        return self.lenient if hinted and self.lenient is not None else self.validate


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern)
    return _CACHE[pattern]


def _hint(*words: str) -> frozenset[str]:
    return frozenset(words)


def _date(value: str) -> bool:
    digits = re.findall(r"\d+", value)
    try:
        if re.match(r"\d{4}", value):
            year, month, day = int(digits[0]), int(digits[1]), int(digits[2])
        elif re.match(r"\d{1,2}\.", value):
            day, month, year = int(digits[0]), int(digits[1]), int(digits[2])
        else:  # 03/04/2021: month-first or day-first, valid if either reading is
            a, b, year = int(digits[0]), int(digits[1]), int(digits[2])
            month, day = (a, b) if a <= 12 else (b, a)
        dt.date(year, month, day)
    except (ValueError, IndexError):
        return False
    return 1900 <= year <= 2100


#: A date is personal data when it is a date in a person's life (GDPR recital 26: what identifies
#: someone with other data): birth, death, admission to a hospital, hiring. Order, release and log
#: dates are not: DATE_TIME needs a column name or a word nearby that says which kind it is.
PERSONAL_DATE_HINTS = _hint("dob", "birth", "birthday", "birthdate", "born", "dateofbirth", "death", "died",
                            "deceased", "admission", "admitted", "admit", "discharge", "discharged", "hire",
                            "hired", "hiredate", "joined", "termination", "visit", "appointment", "diagnosis",
                            "diagnosed", "surgery", "treatment", "marriage", "married", "wedding", "enrollment",
                            "enrolment", "graduation", "geburtsdatum", "geboren", "naissance", "nacimiento",
                            "nascita", "geboortedatum", "fecha_nacimiento")
PERSONAL_DATE_CONTEXT = ("born", "birth", "dob", "d.o.b", "died", "death", "deceased", "admitted", "admission",
                         "discharged", "discharge", "hired", "hire date", "joined the company", "employed since",
                         "married", "wedding", "diagnosed", "appointment", "surgery", "visit on", "geboren", "geb.",
                         "gestorben", "né le", "née le", "né ", "née ", "naissance", "nacid", "nacimiento", "falleci",
                         "nato il", "nata il", "nascita", "geboortedatum", "urodzon")

_SEP = r"[ -]?"
DIGITS = "digits"

ENTITIES: tuple[Entity, ...] = (
    Entity("SECRET",
           r"(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,}"
           r"|xox[baprs]-[A-Za-z0-9-]{10,}|sk_live_[0-9A-Za-z]{20,}|AIza[0-9A-Za-z_-]{35}"
           r"|-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"
           r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
           r"|(?i:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token)\s*[:=]\s*['\"]?[^\s'\"]{8,}",
           v.secret, _hint("password", "passwd", "secret", "token", "apikey", "api_key", "credential", "pwd"),
           checksum=True, base=0.85),
    Entity("EMAIL_ADDRESS", r"\b[A-Za-zÀ-ÖØ-öø-ÿ0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b",
           None, _hint("email", "mail", "e_mail"), ("email", "e-mail", "mail"), checksum=True, base=0.9),
    Entity("URL", r"\b(?:https?|ftp)://[^\s\"'<>]+|\bwww\.[A-Za-z0-9-]+\.[A-Za-z]{2,}[^\s\"'<>]*",
           None, _hint("url", "uri", "link", "website", "homepage", "href"), base=0.8),
    Entity("IBAN_CODE", r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
           v.iban_code, _hint("iban"), ("iban", "account"), checksum=True, base=0.9),
    Entity("CREDIT_CARD", r"\b(?:\d" + _SEP + r"){12,18}\d\b",
           v.credit_card, _hint("card", "cc", "pan", "creditcard", "cardnumber"), ("card", "visa", "mastercard", "amex"),
           checksum=True, base=0.85, group=DIGITS),
    Entity("US_SSN", r"\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b",
           v.us_ssn, _hint("ssn", "social", "socialsecurity"), ("ssn", "social security"), checksum=True, base=0.8,
           group=DIGITS),
    Entity("UK_NHS", r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b",
           v.uk_nhs, _hint("nhs"), ("nhs",), checksum=True, base=0.5, needs_hint=True, group=DIGITS),
    Entity("CRYPTO", r"\b(?:[13][a-km-zA-HJ-NP-Z1-9]{25,34}|bc1[a-z0-9]{25,87})\b",
           v.bitcoin_address, _hint("wallet", "btc", "bitcoin", "crypto"), ("wallet", "bitcoin", "btc"),
           checksum=True, base=0.9),
    Entity("IT_FISCAL_CODE", r"\b[A-Z]{6}\d{2}[A-EHLMPRST]\d{2}[A-Z]\d{3}[A-Z]\b",
           v.it_fiscal_code, _hint("codice", "fiscale", "cf", "fiscal"), ("codice fiscale",), checksum=True, base=0.9),
    Entity("ES_NIF", r"\b(?:\d{8}-?[A-Z]|[XYZ]-?\d{7}-?[A-Z])\b",
           v.es_nif_code, _hint("nif", "dni", "nie"), ("nif", "dni", "nie"), checksum=True, base=0.85),
    Entity("FI_PERSONAL_IDENTITY_CODE", r"\b\d{6}[-+ABCDEFYXWVU]\d{3}[0-9A-Y]\b",
           v.fi_hetu, _hint("hetu", "henkilotunnus"), ("hetu", "henkilötunnus"), checksum=True, base=0.9),
    Entity("PL_PESEL", r"\b\d{11}\b",
           v.pl_pesel, _hint("pesel"), ("pesel",), checksum=True, base=0.5, needs_hint=True, group=DIGITS),
    Entity("NL_BSN", r"\b\d{9}\b|\b\d{4}\.\d{2}\.\d{3}\b",
           v.nl_bsn, _hint("bsn", "burgerservicenummer"), ("bsn",), checksum=True, base=0.5, needs_hint=True,
           group=DIGITS),
    Entity("MEDICAL_LICENSE", r"\b[A-Z][A-Z9]\d{7}\b",
           v.dea_number, _hint("dea", "medical_license", "license"), ("dea",), checksum=True, base=0.6),
    Entity("US_PASSPORT", r"\b[A-Z]?\d{9}\b",
           None, _hint("passport"), ("passport",), needs_hint=True, base=0.6, group=DIGITS),
    Entity("US_DRIVER_LICENSE", r"\b[A-Z]\d{7,12}\b|\b[A-Z]{1,2}\d{5,7}\b|\b\d{7,9}\b",
           None, _hint("driver", "driving", "dl", "licence", "driverlicense"), ("driver", "driving licen", "dl#"),
           needs_hint=True, base=0.6, group=DIGITS),
    Entity("US_BANK_NUMBER", r"\b\d{8,17}\b",
           None, _hint("account", "acct", "bank", "bankaccount", "accountnumber"), ("account", "acct", "bank"),
           needs_hint=True, base=0.6, group=DIGITS),
    Entity("IP_ADDRESS",
           r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b"
           r"|\b(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}\b",
           v.ip_address, _hint("ip", "ipaddress", "ipv4", "ipv6", "ip_addr", "host", "client"), ("ip",),
           checksum=True, base=0.8),
    Entity("PHONE_NUMBER",
           r"(?:(?:\+|\b00)\d{1,3}[ .-]?(?:\(0?\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}"
           r"|\(\d{2,5}\)[ .-]?\d{2,4}(?:[ .-]?\d{2,4}){1,3}"
           r"|\b\d{2,5}[ .-]\d{2,4}(?:[ .-]\d{2,4}){1,3}|\b0\d{2,4}[ .-]?\d{3,8})"
           r"(?: ?(?:x|ext\.?) ?\d{1,6})?\b",
           v.phone_number, lenient=v.phone_number_hinted, hints=_hint("phone", "tel", "telephone", "mobile", "cell", "fax", "msisdn"),
           context=("phone", "tel", "call", "mobile", "fax", "reach", "ring", "contact"), base=0.65, group=DIGITS),
    Entity("DATE_TIME",
           r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
           r"|\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b",
           _date, PERSONAL_DATE_HINTS, PERSONAL_DATE_CONTEXT, needs_hint=True, base=0.8),
    Entity("PERSON", None, None,
           _hint("name", "firstname", "lastname", "surname", "fullname", "forename", "givenname", "first", "last",
                 "customer", "patient", "employee", "person", "contact"), base=0.6, group="name_place"),
    Entity("LOCATION", None, None,
           _hint("city", "town", "address", "street", "country", "location", "place", "region", "state",
                 "county", "residence"), base=0.6, group="name_place"),
)

BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}

#: Column-name tokens that say a column is *not* personal data even when its values look like it.
NEGATIVE_HINTS = frozenset({"id", "order", "sku", "version", "hash", "sha", "sha1", "sha256", "md5", "uuid",
                            "checksum", "invoice", "tracking", "serial", "product", "item", "file", "model",
                            "build", "release", "commit", "digest", "sequence", "seq", "batch", "count",
                            "amount", "price", "total", "username", "company", "job", "title", "organisation",
                            "organization", "org", "employer", "vendor", "supplier", "manufacturer", "brand",
                            "firm", "merchant", "publisher", "department", "team", "category", "tier", "segment",
                            "status", "label", "gender", "sex"})

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def name_tokens(column: str) -> frozenset[str]:
    """``customerEmail`` / ``customer_e-mail`` -> tokens plus the joined name, for hint lookups."""
    leaf = column.rsplit(".", 1)[-1]
    parts = [p.lower() for p in _SPLIT.split(_CAMEL.sub("_", leaf)) if p]
    return frozenset(parts) | {"".join(parts), "_".join(parts)}


def hinted(entity: Entity, tokens: frozenset[str]) -> bool:
    return bool(entity.hints & tokens)


def negatively_hinted(tokens: frozenset[str]) -> bool:
    return bool(NEGATIVE_HINTS & tokens)
