"""Sensitivity levels: which classification each entity implies, and the plan's overrides.

The rule (docs/data-classification.md): government identifiers, payment card and bank numbers,
health identifiers and credentials are **restricted**; direct identifiers of a person (name, e-mail,
phone, IP address, crypto wallet) are **confidential**; quasi-identifiers and context (dates,
places, URLs) are **internal**; a dataset or column where nothing is found is **public**, which
means "nothing sensitive detected", not "approved for publication". Places are personal data only
beside something about a person: a dataset whose only finding is places (a list of cities, shop
addresses) is **public** (:meth:`Levels.in_dataset`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from secplan.vocabulary import Classification

R, C, INT = Classification.RESTRICTED, Classification.CONFIDENTIAL, Classification.INTERNAL

DEFAULT_LEVELS: dict[str, Classification] = {
    "SECRET": R,
    "CREDIT_CARD": R,
    "IBAN_CODE": R,
    "US_BANK_NUMBER": R,
    "US_SSN": R,
    "US_PASSPORT": R,
    "US_DRIVER_LICENSE": R,
    "UK_NHS": R,
    "MEDICAL_LICENSE": R,
    "IT_FISCAL_CODE": R,
    "ES_NIF": R,
    "FI_PERSONAL_IDENTITY_CODE": R,
    "PL_PESEL": R,
    "NL_BSN": R,
    "PERSON": C,
    "EMAIL_ADDRESS": C,
    "PHONE_NUMBER": C,
    "IP_ADDRESS": C,
    "CRYPTO": C,
    "DATE_TIME": INT,
    "LOCATION": INT,
    "URL": INT,
}


#: Entities that say something about a person only when the dataset also holds a person's data.
CONTEXT_ONLY = frozenset({"LOCATION"})


class Levels:
    """Entity -> classification, with the plan's ``policy.classification.entity_overrides`` applied."""

    def __init__(self, overrides: Mapping[str, Classification | str] | None = None) -> None:
        self._levels = dict(DEFAULT_LEVELS)
        self._overridden: set[str] = set()
        for entity, level in (overrides or {}).items():
            self._levels[entity.upper()] = Classification(level)
            self._overridden.add(entity.upper())

    def of(self, entity: str) -> Classification:
        return self._levels.get(entity, Classification.INTERNAL)

    def highest(self, entities: Iterable[str]) -> Classification:
        found = [self.of(e) for e in entities]
        return max(found, key=lambda level: level.rank, default=Classification.PUBLIC)

    def in_dataset(self, entities: Iterable[str], dataset_entities: Iterable[str]) -> Classification:
        """The level of ``entities`` (a column's, or a text file's) within a dataset that holds
        ``dataset_entities``: places alone are public (unless the plan sets their level)."""
        context = CONTEXT_ONLY - self._overridden
        if set(dataset_entities) <= context:
            return Classification.PUBLIC
        return self.highest(entities)
