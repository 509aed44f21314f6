"""HS-4: sensitive actions are approved by a second person (two-person rule), in requests and in the ledger."""

from pathlib import Path

import pytest

from .cases import NE, Case, N, P
from .humanhelpers import records

RULE = {"policy": {"approvals": {"two_person_rule": ["model.promote"]}}}


def request(n: int, requester: str, decided_by: str, state: str = "approved", action: str = "model.promote") -> dict:
    return {"id": n, "action": action, "target": "credit@2", "requester": requester, "decided_by": decided_by,
            "state": state}


DONE = {"action": "model.promote", "target": "credit@2", "actor": "ana", "ts": "2026-11-20T10:00:00+00:00"}

CASES = [
    Case("sensitive-actions-approved", "promotion approved by another person", (P,), plan=RULE,
         evidence=records(approvals=[request(1, "ana", "ben")], ledger=[DONE]),
         says=("model.promote credit@2: requested by ana, approved by ben",)),
    Case("sensitive-actions-approved", "self-approved", (N, N), plan=RULE,
         evidence=records(approvals=[request(1, "ana", "ana")], ledger=[DONE]),
         says=("approved by its own requester ana", "has no approval by a second person")),
    Case("sensitive-actions-approved", "done without a request", (N,), plan=RULE, evidence=records(ledger=[DONE])),
    Case("sensitive-actions-approved", "actions outside the rule", (NE,), plan=RULE,
         evidence=records(approvals=[request(1, "ana", "ana", action="data.encrypt")])),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
