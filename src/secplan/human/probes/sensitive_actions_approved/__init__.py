"""Sensitive actions carry an approval by a second person (HS-4)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, positive
from secplan.human.evidence import HUMAN_RECORDS

NEEDS = (HUMAN_RECORDS,)


def run(ev: Evidence) -> Iterator[Result]:
    records = ev.get(HUMAN_RECORDS)
    sensitive = set(ev.plan.policy.approvals.two_person_rule)
    requests = [r for r in records.approvals if r["action"] in sensitive]
    if not requests and not records.sensitive_ledger:
        yield no_evidence("no sensitive actions or approvals recorded")
        return
    valid = set()
    for r in requests:
        if r["state"] != "approved":
            continue
        if r["decided_by"] == r["requester"]:
            yield negative(f"request #{r['id']} ({r['action']} {r['target']}) approved by its own requester "
                           f"{r['requester']}", key=f"approval:{r['id']}")
        else:
            valid.add((r["action"], r["target"]))
            yield positive(f"{r['action']} {r['target']}: requested by {r['requester']}, approved by "
                           f"{r['decided_by']}", key=f"approval:{r['id']}")
    for entry in records.sensitive_ledger:
        if (entry["action"], entry["target"]) not in valid:
            yield negative(f"{entry['action']} {entry['target']} by {entry['actor']} at {entry['ts']} has no "
                           "approval by a second person", key=f"ledger:{entry['action']}:{entry['target']}")
