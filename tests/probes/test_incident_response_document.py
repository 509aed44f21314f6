"""HS-3: the project has an incident response plan or security policy people can find."""

from pathlib import Path

import pytest

from .cases import Case, N, P

CASES = [
    Case("incident-response-document", "SECURITY.md in docs/", (P,),
         files={"docs/SECURITY.md": "Report an incident to sec@example.com\n"},
         says=("incident response document present",)),
    Case("incident-response-document", "a runbook in .github/", (P,),
         files={".github/runbook.md": "# Reporting\nPage the on-call.\n"}),
    Case("incident-response-document", "a placeholder, and a plan in an odd folder", (N,),
         files={"SECURITY.md": "todo\n", "notes/incident-response.md": "incident\n"},
         says=("no incident response plan or security policy",)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
