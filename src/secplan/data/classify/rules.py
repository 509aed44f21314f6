"""What ``data classify`` reports as findings: sensitive data in a column or in text (DS-4).

The finding says what was found and the level it implies; whether that is a problem for the
project (data in clear, above its declared level) is the assessment's DS-1 and DS-4 probes' call.
"""

from __future__ import annotations

from collections.abc import Iterator

from secplan import findings as common
from secplan.vocabulary import Classification, Severity

COLUMN_RULE = "sensitive-data-in-column"
TEXT_RULE = "sensitive-data-in-text"

#: The more sensitive the data, the more a reviewer needs to see it first.
SEVERITY = {
    Classification.RESTRICTED: Severity.HIGH,
    Classification.CONFIDENTIAL: Severity.MEDIUM,
    Classification.INTERNAL: Severity.LOW,
    Classification.PUBLIC: Severity.INFO,
}

REMEDIATION = ("Declare the dataset's classification in secplan.yaml, encrypt it at rest (`secplan encrypt`) "
               "and anonymise it (`secplan data anonymize`) before it leaves restricted storage.")


def rules() -> Iterator[common.Rule]:
    yield common.Rule(COLUMN_RULE, "Personal or sensitive data in a dataset column", "DS-4", Severity.MEDIUM,
                      description="A column holds personal or sensitive values (names, e-mail addresses, "
                                  "identifiers, card numbers...): the dataset must be classified and protected "
                                  "at the level they imply.",
                      remediation=REMEDIATION, tags=("data-classify",))
    yield common.Rule(TEXT_RULE, "Personal or sensitive data in free text", "DS-4", Severity.MEDIUM,
                      description="A text file holds personal or sensitive values.",
                      remediation=REMEDIATION, tags=("data-classify",))
