"""One palette and one set of labels for statuses and severities, shared by the terminal and HTML.

Users learn a colour once: ``fail`` is the same red in the terminal table and the HTML badge.
"""

from __future__ import annotations

from secplan.vocabulary import Severity, Status

STATUS_COLOURS: dict[Status, str] = {
    Status.PASS: "#1a7f37",
    Status.FAIL: "#cf222e",
    Status.PARTIAL: "#b35900",
    Status.MANUAL: "#0969da",
    Status.WAIVED: "#8250df",
    Status.NOT_APPLICABLE: "#6e7781",
    Status.ERROR: "#bf3989",
}

SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.CRITICAL: "#82071e",
    Severity.HIGH: "#cf222e",
    Severity.MEDIUM: "#b35900",
    Severity.LOW: "#0969da",
    Severity.INFO: "#6e7781",
}

STATUS_LABELS: dict[Status, str] = {status: status.value.replace("_", " ") for status in Status}

#: The order statuses are listed in: worst news first, then the ones a person must look at.
STATUS_ORDER: tuple[Status, ...] = (
    Status.FAIL,
    Status.ERROR,
    Status.PARTIAL,
    Status.MANUAL,
    Status.WAIVED,
    Status.PASS,
    Status.NOT_APPLICABLE,
)

#: Severities worst first.
SEVERITY_ORDER: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: s.rank, reverse=True))
