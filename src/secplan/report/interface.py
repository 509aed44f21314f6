"""What a report writer is: a name, a media type and a pure ``render`` of the assessment document.

Writers never touch the file system or the network; :func:`secplan.report.writers.write_report`
does the (atomic) writing, so every format gets the same no-partial-file guarantee.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from secplan.assess.result import AssessmentDoc


class Writer(ABC):
    """One output format. Subclasses set the class attributes and implement :meth:`render`."""

    name: ClassVar[str]
    """The ``--format`` value users type."""
    media_type: ClassVar[str]
    """The IANA media type of the output (for the server and for file suffix checks)."""
    suffix: ClassVar[str]
    """The usual file suffix, with its dot."""
    notices: tuple[str, ...] = ()
    """Warnings from the last :meth:`render` (what a format had to leave out), for stderr."""

    @abstractmethod
    def render(self, doc: AssessmentDoc) -> str:
        """The whole report as text. Deterministic: the same document gives the same text."""
