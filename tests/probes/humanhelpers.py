"""People, incidents and approvals as the human engine's collector reads them from the store."""

from __future__ import annotations

from typing import Any

from secplan.human.evidence import HUMAN_RECORDS, HumanRecords

#: Assets people reach in these cases: a restricted training set and a public one.
ASSETS = {"assets": [{"path": "data/train.csv", "classification": "restricted", "owner": "ana"},
                     {"path": "data/public.csv", "classification": "public", "owner": "ana"}]}
FILES = {"data/train.csv": "id\n1\n", "data/public.csv": "id\n1\n"}


def person(name: str, assets: tuple[str, ...] = ("data/train.csv",), status: str = "cleared",
           level: str | None = "standard", training: tuple[tuple[str, str, str | None], ...] = (),
           email: str | None = None) -> dict[str, Any]:
    return {"name": name, "role": "engineer", "email": email, "assets": list(assets),
            "screening": {"status": status, "level": level},
            "training": [{"course": c, "completed": done, "expires": until} for c, done, until in training]}


def incident(n: int, kind: str = "secret-leak", state: str = "closed", drill: bool = False,
             steps_done: tuple[bool, ...] = (True, True), clock: dict | None = None, owner: str | None = "ana",
             opened: str = "2026-11-01T09:00:00+00:00", finding: str | None = None) -> dict[str, Any]:
    return {"id": n, "title": f"{kind} #{n}", "type": kind, "state": state, "drill": drill, "owner": owner,
            "opened_at": opened, "clock": clock, "finding": finding,
            "steps": [{"text": f"step {i}", "done_at": "2026-11-02" if done else None}
                      for i, done in enumerate(steps_done, start=1)]}


def records(people=(), incidents=(), approvals=(), ledger=(), grants=()) -> dict:
    return {HUMAN_RECORDS: HumanRecords(True, list(people), list(incidents), list(approvals), list(ledger),
                                        list(grants))}
