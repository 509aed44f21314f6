"""Labelled data for measuring classification: Faker in several locales, with hard negatives
(numbers that fail checksums, order ids, versions, hashes) placed beside real identifiers.

People and places are drawn from locales the shipped lexicons were *not* built from (see
scripts/build-classify-lexicons.py), so name recall is not measured on the lexicon's own lists.
Also used by bench/bench_classify.py, so the benchmark and the tests score the same way.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from faker import Faker
from stdnum import luhn

HELD_OUT_PEOPLE = ("en_AU", "en_CA", "en_IE", "de_AT", "de_CH", "fr_CH", "en_NZ")
HELD_OUT_PLACES = ("de_AT", "de_CH", "ro_RO", "hr_HR", "en_IN")
#: Street addresses as each locale writes them (house number first or last, street type before or after).
ADDRESS_LOCALES = ("en_US", "en_GB", "en_IE", "en_AU", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_CH", "es_ES", "it_IT",
                   "nl_NL", "pt_PT", "pl_PL", "sv_SE", "fi_FI")
PHONE_LOCALES = {"en_US": "US", "en_GB": "GB", "de_DE": "DE", "fr_FR": "FR", "it_IT": "IT", "nl_NL": "NL"}
IBAN_LOCALES = ("de_DE", "fr_FR", "en_GB", "es_ES", "it_IT", "nl_NL")
BITCOIN = ("1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
           "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")


class Synth:
    """Deterministic generators of positives and hard negatives (seeded)."""

    def __init__(self, seed: int = 7) -> None:
        Faker.seed(seed)
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}

    def faker(self, locale: str) -> Faker:
        if locale not in self.fakers:
            self.fakers[locale] = Faker(locale)
            self.fakers[locale].seed_instance(self.rng.randrange(1 << 30))
        return self.fakers[locale]

    def pick(self, options):
        return options[self.rng.randrange(len(options))]

    # ---- positives -------------------------------------------------------------------------------------
    def person(self) -> str:
        f = self.faker(self.pick(HELD_OUT_PEOPLE))
        return f"{f.first_name()} {f.last_name()}"

    def location(self) -> str:
        return self.faker(self.pick(HELD_OUT_PLACES)).city()

    def place_in_text(self) -> str:
        """A street address, a city of a held-out locale, or a country (in that locale's language)."""
        kind = self.rng.random()
        if kind < 0.5:
            return self.faker(self.pick(ADDRESS_LOCALES)).street_address().replace("\n", " ")
        if kind < 0.8:
            return self.location()
        return self.faker(self.pick(("en_US", "de_DE", "fr_FR", "es_ES"))).country()

    def personal_date(self) -> str:
        day = self.faker("en_US").date_between("-80y", "today")
        return self.pick((day.isoformat(), f"{day.day:02d}.{day.month:02d}.{day.year}", f"{day.month}/{day.day}/{day.year}"))

    def organisation(self) -> str:
        return self.faker(self.pick(("en_US", "de_DE", "fr_FR", "it_IT", "en_GB"))).company()

    def timestamp(self) -> str:
        return self.faker("en_US").date_time_between("-5y", "now").isoformat(timespec="seconds") + "Z"

    def known_location(self) -> str:
        """A real place from a locale the lexicon *was* built from (tests the lexicon path)."""
        return self.faker(self.pick(("de_DE", "it_IT", "pl_PL", "nl_NL"))).city()

    def email(self) -> str:
        return self.faker(self.pick(("en_US", "de_DE", "fr_FR", "es_ES"))).email()

    def phone(self) -> str:
        if self.rng.random() < 0.25:
            return self.possible_phone()
        while True:
            locale = self.pick(list(PHONE_LOCALES))
            value = self.faker(locale).phone_number()
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(value, PHONE_LOCALES[locale])) and "x" not in value:
                    return value
            except phonenumbers.NumberParseException:
                continue

    def possible_phone(self) -> str:
        """A number of the right length for its country that no operator was allocated
        (phonenumbers: possible, not valid): a valid one with its subscriber part changed."""
        while True:
            region = self.pick(list(PHONE_LOCALES.values()))
            example = phonenumbers.example_number(region)
            national = str(example.national_number)
            digits = national[:1] + "".join(self.rng.choice("0123456789") for _ in national[1:])
            number = phonenumbers.parse(f"+{example.country_code}{digits}")
            if phonenumbers.is_possible_number(number) and not phonenumbers.is_valid_number(number):
                cut = [digits[i : i + 3] for i in range(0, len(digits), 3)]
                if len(cut) > 1 and len(cut[-1]) == 1:
                    cut[-2:] = [cut[-2] + cut[-1]]
                groups = " ".join(cut)
                return f"+{example.country_code} {groups}"

    def credit_card(self) -> str:
        kind = self.pick(("visa16", "mastercard", "amex", "discover", "mastercard2"))
        if kind == "mastercard2":  # the 2-series range Presidio's pattern misses
            body = str(self.rng.randint(2221, 2720)) + "".join(self.rng.choice(string.digits) for _ in range(11))
            number = body + luhn.calc_check_digit(body)
        else:
            number = self.faker("en_US").credit_card_number(card_type=kind)
        if self.rng.random() < 0.4 and len(number) == 16:
            number = " ".join(number[i : i + 4] for i in range(0, 16, 4))
        return number

    def iban(self) -> str:
        return self.faker(self.pick(IBAN_LOCALES)).iban()

    def ssn(self) -> str:
        return self.faker("en_US").ssn()

    def ip(self) -> str:
        return self.faker("en_US").ipv4_public() if self.rng.random() < 0.8 else self.faker("en_US").ipv6()

    def url(self) -> str:
        f = self.faker("en_US")
        return f.url() + (f.uri_path() if self.rng.random() < 0.5 else "")

    def it_fiscal_code(self) -> str:
        return self.faker("it_IT").ssn()

    def es_nif(self) -> str:
        return self.faker("es_ES").nif()

    def pl_pesel(self) -> str:
        return self.faker("pl_PL").pesel()

    def crypto(self) -> str:
        return self.pick(BITCOIN)

    def secret(self) -> str:
        alphabet = string.ascii_uppercase + string.digits
        if self.rng.random() < 0.5:
            return "AKIA" + "".join(self.rng.choice(alphabet) for _ in range(16))
        return "ghp_" + "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(36))

    def date(self) -> str:
        return self.faker("en_US").date_between("-80y", "today").isoformat()

    # ---- hard negatives ----------------------------------------------------------------------------------
    def order_id(self) -> str:
        return self.pick(("ORD-", "INV-", "PO-", "")) + str(self.rng.randint(10**7, 10**9))

    def version(self) -> str:
        return ".".join(str(self.rng.randint(0, 30)) for _ in range(self.rng.choice((2, 3)))) + \
            self.pick(("", "-rc1", ".post2"))

    def sha(self) -> str:
        return self.faker("en_US").sha1() if self.rng.random() < 0.5 else self.faker("en_US").md5()

    def luhn_fail(self) -> str:
        number = self.faker("en_US").credit_card_number(card_type="visa16")
        return number[:-1] + str((int(number[-1]) + 1) % 10)

    def bad_ssn(self) -> str:
        area = self.pick(("000", "666", str(self.rng.randint(900, 999))))
        return f"{area}-{self.rng.randint(10, 99)}-{self.rng.randint(1000, 9999)}"

    def bad_iban(self) -> str:
        value = self.iban()
        check = (int(value[2:4]) + 1) % 97 or 2
        return value[:2] + f"{check:02d}" + value[4:]

    def product(self) -> str:
        f = self.faker("en_US")
        return f"{f.color_name()} {f.word()}"

    def amount(self) -> str:
        return f"{self.rng.uniform(1, 99999):.2f}"


POSITIVES: dict[str, Callable[[Synth], str]] = {
    "PERSON": Synth.person,
    "EMAIL_ADDRESS": Synth.email,
    "PHONE_NUMBER": Synth.phone,
    "CREDIT_CARD": Synth.credit_card,
    "IBAN_CODE": Synth.iban,
    "US_SSN": Synth.ssn,
    "IP_ADDRESS": Synth.ip,
    "URL": Synth.url,
    "IT_FISCAL_CODE": Synth.it_fiscal_code,
    "ES_NIF": Synth.es_nif,
    "CRYPTO": Synth.crypto,
    "SECRET": Synth.secret,
    "DATE_TIME": Synth.personal_date,
    "LOCATION": Synth.place_in_text,
}
NEGATIVES: dict[str, Callable[[Synth], str]] = {
    "order_id": Synth.order_id,
    "version": Synth.version,
    "sha": Synth.sha,
    "luhn_fail": Synth.luhn_fail,
    "bad_ssn": Synth.bad_ssn,
    "bad_iban": Synth.bad_iban,
    "product": Synth.product,
    "amount": Synth.amount,
    "organisation": Synth.organisation,
    "order_date": Synth.date,
    "log_timestamp": Synth.timestamp,
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "PERSON": ("Yesterday {} called about the invoice.", "The ticket was assigned to {} this morning.",
               "Gestern hat {} wegen der Rechnung angerufen.", "Le dossier a été confié à {} ce matin."),
    "EMAIL_ADDRESS": ("Please reply to {} before Friday.", "Contact: {}"),
    "PHONE_NUMBER": ("You can reach the office on {} during the day.", "Phone: {}"),
    "CREDIT_CARD": ("The card on file is {} and it expires soon.", "Paid with card {}."),
    "IBAN_CODE": ("Transfer the deposit to {} please.", "Account IBAN {}"),
    "US_SSN": ("Her social security number is {} according to the form.", "SSN {} was verified."),
    "IP_ADDRESS": ("The request came from {} at night.", "Blocked host {} after many attempts."),
    "URL": ("The report is published at {} for everyone.", "See {} for details."),
    "IT_FISCAL_CODE": ("Codice fiscale {} registrato.", "Il codice fiscale è {}."),
    "ES_NIF": ("Su NIF es {} según el contrato.", "NIF del cliente: {}"),
    "CRYPTO": ("Send the refund to wallet {} today.", "BTC address {}"),
    "SECRET": ("Rotate the key {} immediately.", "token={} was committed"),
    "DATE_TIME": ("Born {}.", "Date of birth: {}", "The patient was admitted on {} with chest pain.",
                  "She was hired on {} as an engineer.", "Geboren am {} in einer Kleinstadt."),
    "LOCATION": ("She moved to {} last spring.", "Please ship the parcel to {} by Monday.",
                 "Er wohnt jetzt in {}.", "Il habite à {} depuis trois ans."),
}
NEGATIVE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "order_id": ("Order {} has shipped.", "Reference {} was closed."),
    "version": ("Upgrade to version {} to fix it.", "Running release {}."),
    "sha": ("Commit {} fixed the build.", "checksum {}"),
    "luhn_fail": ("Tracking number {} is in transit.", "Serial {}"),
    "bad_ssn": ("Case file {} was archived.", "Ticket {}"),
    "bad_iban": ("Draft code {} was rejected.", "Batch {}"),
    "product": ("We sold a {} last week.", "The {} is back in stock."),
    "amount": ("The total came to {} dollars.", "Balance {}."),
    "organisation": ("The invoice from {} arrived late.", "We signed the contract with {} today."),
    "order_date": ("The order was placed on {} and shipped.", "Version 2 was released on {}."),
    "log_timestamp": ("{} INFO worker started", "{} WARN retrying request 3"),
}


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int


def text_corpus(lines: int, seed: int = 7, plain: float = 0.0) -> tuple[list[str], list[list[Span]]]:
    """``lines`` sentences, about one in three holding a hard negative, each positive labelled by span.
    With ``plain`` > 0, that share of the lines is ordinary prose with nothing to find (as in real
    tickets and logs, where most lines hold no identifier)."""
    synth = Synth(seed)
    texts: list[str] = []
    labels: list[list[Span]] = []
    kinds = list(POSITIVES)
    negatives = list(NEGATIVES)
    prose = synth.faker("en_US")
    for n in range(lines):
        if plain and synth.rng.random() < plain:
            texts.append(prose.paragraph(nb_sentences=2))
            labels.append([])
            continue
        if n % 3 == 2:
            kind = negatives[n // 3 % len(negatives)]
            template = synth.pick(NEGATIVE_TEMPLATES[kind])
            value = NEGATIVES[kind](synth)
            texts.append(template.format(value))
            labels.append([])
            continue
        kind = kinds[n % len(kinds)]
        template = synth.pick(TEMPLATES[kind])
        value = POSITIVES[kind](synth)
        start = template.index("{}")
        texts.append(template.format(value))
        labels.append([Span(kind, start, start + len(value))])
    return texts, labels


def score(gold: list[list[Span]], predicted: list[list[Span]], types: list[str]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 per type; a prediction counts when it overlaps a gold span of its type."""
    result = {}
    for kind in types:
        tp = fp = fn = 0
        for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
            g = [s for s in gold_spans if s.type == kind]
            p = [s for s in predicted_spans if s.type == kind]
            matched = [any(x.start < y.end and y.start < x.end for y in g) for x in p]
            tp_line = sum(matched)
            tp += tp_line
            fp += len(p) - tp_line
            fn += sum(1 for y in g if not any(x.start < y.end and y.start < x.end for x in p))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[kind] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                        "support": tp + fn}
    return result
