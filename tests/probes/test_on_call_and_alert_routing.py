"""HS-5: the on-call person is in the people register, open incidents have owners, and findings become incidents."""

from pathlib import Path

import pytest

from .cases import NE, Case, N, P
from .humanhelpers import incident, person, records

ON_CALL = {"project": {"on_call": "oncall@example.com"}}

CASES = [
    Case("on-call-and-alert-routing", "on-call registered, incidents routed", (P, P), plan=ON_CALL,
         evidence=records([person("ana", email="oncall@example.com")],
                          [incident(1, state="open", finding="secret-in-code/ab12")]),
         says=("on-call oncall@example.com is in the people register", "1 incident(s) opened from scan or monitor")),
    Case("on-call-and-alert-routing", "on-call unknown, an open incident without owner", (N, N), plan=ON_CALL,
         evidence=records([person("ana")], [incident(2, state="open", owner=None)]),
         says=("on-call oncall@example.com is not in the people register", "open incident #2")),
    Case("on-call-and-alert-routing", "nothing recorded", (NE,), plan=ON_CALL, evidence=records()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
