"""Checks run only on candidates that a pattern already found: checksums and validity rules from
well-kept libraries (python-stdnum, phonenumbers), plus the few rules no library offers.

Each validator takes the candidate text as matched and returns True when it is a real identifier.
They are called once per *distinct* candidate, so their cost does not grow with repeated values.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter

import phonenumbers
from stdnum import bitcoin, iban, luhn
from stdnum.es import nif as es_nif
from stdnum.fi import hetu
from stdnum.gb import nhs
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.us import ssn

_NON_DIGIT = re.compile(r"\D")
#: IBAN length per country (ISO 13616 registry), for the countries whose IBANs secplan accepts.
_IBAN_LENGTH = {"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
                "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
                "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
                "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
                "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
                "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
                "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20}
#: Regions tried for a phone number written without a country code, most common first.
PHONE_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "AU", "IN")
#: Shapes that are digits with separators but not phone numbers: ISO and European dates, dotted quads.
_NOT_PHONE = re.compile(r"^\s*(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,3}(?:\.\d{1,3}){3})\s*$")


def _digits(value: str) -> str:
    return _NON_DIGIT.sub("", value)


def credit_card(value: str) -> bool:
    """Luhn checksum and a known issuer range (Visa, Mastercard 51-55 and 2221-2720, Amex,
    Discover, JCB, Diners, UnionPay, Maestro) with the length that issuer uses."""
    digits = _digits(value)
    if not 13 <= len(digits) <= 19 or not luhn.is_valid(digits) or len(set(digits)) == 1:
        return False
    two, four, six = int(digits[:2]), int(digits[:4]), int(digits[:6])
    n = len(digits)
    if digits[0] == "4":
        return n in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16
    if two in (34, 37):
        return n == 15
    if four == 6011 or two == 65 or 644 <= int(digits[:3]) <= 649 or 622126 <= six <= 622925:
        return 16 <= n <= 19
    if 3528 <= four <= 3589:
        return 16 <= n <= 19
    if two in (36, 38, 39) or 300 <= int(digits[:3]) <= 305:
        return 14 <= n <= 19
    if two == 62:
        return 16 <= n <= 19
    return two in (50, 56, 57, 58, 67) or (60 <= two <= 69 and 12 <= n <= 19)


def iban_code(value: str) -> bool:
    """ISO 13616 mod-97 check and the country's IBAN length; stdnum's per-bank registry lookup
    (``check_country``) costs a millisecond a value and adds little to a 1-in-97 checksum."""
    compact = value.replace(" ", "").upper()
    if _IBAN_LENGTH.get(compact[:2], 0) != len(compact) or not _mod97(compact):
        return False  # cheap rejections first: most candidates that fail, fail here
    return iban.is_valid(value, check_country=False)


def _mod97(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    try:
        return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
    except ValueError:
        return False


def us_ssn(value: str) -> bool:
    """Area, group and serial ranges the SSA never issues, and the famous advertised numbers, fail."""
    return ssn.is_valid(value)


def phone_number(value: str) -> bool:
    """Strict: international numbers (``+``/``00``) valid for their country, or valid US numbers.
    Digits with dashes are too often case numbers, SSN look-alikes or dates to accept more blindly."""
    return _phone(value, ("US",))


def phone_number_hinted(value: str) -> bool:
    """Lenient, when a column name or nearby word says "phone": national numbers of common regions
    too, and numbers that are *possible* for their region (right length) though not valid (a range
    not yet allocated, a made-up test number): what a person typed as their phone is still theirs."""
    return _phone(value, PHONE_REGIONS, possible=True)


def _phone(value: str, national_regions: tuple[str, ...], possible: bool = False) -> bool:
    digits = _digits(value)
    if not 7 <= len(digits) <= 15 or _NOT_PHONE.match(value):
        return False
    text = value.strip()
    if national_regions == ("US",) and not text.startswith(("+", "00")) and not (
        len(digits) == 10 or (len(digits) == 11 and digits[0] == "1")
    ):
        return False  # not a NANP length: no need to ask the library
    regions: tuple[str | None, ...] = (None,) if text.startswith("+") else national_regions
    if text.startswith("00"):
        text, regions = "+" + text[2:], (None,)
    for region in regions:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
        if possible and phonenumbers.is_possible_number_with_reason(number) == \
                phonenumbers.ValidationResult.IS_POSSIBLE:
            return True
    return False


def ip_address(value: str) -> bool:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return not address.is_unspecified


def bitcoin_address(value: str) -> bool:
    return bitcoin.is_valid(value)


def uk_nhs(value: str) -> bool:
    digits = _digits(value)
    return len(set(digits)) > 1 and nhs.is_valid(digits)


def dea_number(value: str) -> bool:
    """US DEA registration: two letters, six digits and a check digit
    ((d1+d3+d5) + 2*(d2+d4+d6)) mod 10. No maintained library checks it."""
    value = value.strip().upper()
    if len(value) != 9 or not value[:2].isalpha() or not value[2:].isdigit():
        return False
    d = [int(c) for c in value[2:]]
    return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6]


def es_nif_code(value: str) -> bool:
    return es_nif.is_valid(value)


def it_fiscal_code(value: str) -> bool:
    return codicefiscale.is_valid(value)


def pl_pesel(value: str) -> bool:
    return pesel.is_valid(value)


def fi_hetu(value: str) -> bool:
    return hetu.is_valid(value)


def nl_bsn(value: str) -> bool:
    digits = _digits(value)
    return len(set(digits)) > 1 and bsn.is_valid(digits)


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


_ASSIGNMENT = re.compile(r"[:=]\s*['\"]?(?P<v>[^\s'\"]+)")


def secret(value: str) -> bool:
    """Provider-shaped tokens pass as they are; a ``password = ...`` assignment passes only when the
    assigned value looks random (entropy), so ``password = changeme`` placeholders do not."""
    found = _ASSIGNMENT.search(value)
    if found is None:
        return True
    candidate = found["v"]
    lowered = candidate.lower()
    if lowered in {"none", "null", "true", "false", "changeme", "password", "xxxxxxxx", "********"}:
        return False
    return len(candidate) >= 8 and shannon_entropy(candidate) >= 3.0
