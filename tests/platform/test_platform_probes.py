"""The platform probes in an assessment: findings become negatives, clean projects give positives,
projects without the files are not applicable, and PS-2 reads first-seen dates from the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from secplan.assess.evidence import Evidence
from secplan.assess.registry import all_probes
from secplan.plan.model import Plan
from secplan.store.db import Store
from secplan.vocabulary import Outcome

MINE = {"vulnerable-dependency": "PS-1", "patch-sla-overdue": "PS-2", "ml-server-unauthenticated": "PS-3",
        "privileged-container": "PS-3", "storage-unencrypted-iac": "PS-4", "public-exposure-iac": "PS-5",
        "secret-in-code": "PS-7", "insecure-config": "PS-7", "risky-deserialization-code": "MS-6"}


def run(ev: Evidence, probe_id: str):
    probe = next(p for p in all_probes() if p.id == probe_id)
    return list(probe.run(ev))


def plan(**policy) -> Plan:
    return Plan.model_validate({"project": {"name": "demo"}, "policy": policy})


def test_probes_are_registered_with_their_controls() -> None:
    found = {p.id: p.definition.control for p in all_probes() if p.id in MINE}
    assert found == MINE


def test_vulnerable_project(project_dir: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    write("requirements.txt", "pyyaml==5.3\n")
    write("app.py", "import torch\nm = torch.load('m.pt')\nTOKEN = 'hf_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567'\n")
    write("infra/main.tf", 'resource "aws_s3_bucket" "d" {\n  bucket = "x"\n  acl = "public-read"\n}\n')
    write("serve.sh", "mlflow server --host 0.0.0.0\n")
    ev = Evidence(project_dir, plan())
    outcomes = {pid: {r.outcome for r in run(ev, pid)} for pid in MINE}
    for pid in ("vulnerable-dependency", "risky-deserialization-code", "secret-in-code", "public-exposure-iac",
                "storage-unencrypted-iac", "ml-server-unauthenticated"):
        assert Outcome.NEGATIVE in outcomes[pid], pid
    assert outcomes["patch-sla-overdue"] == {Outcome.NO_EVIDENCE}  # no store: no first-seen dates
    secret = next(r for r in run(ev, "secret-in-code") if r.outcome is Outcome.NEGATIVE)
    assert "aBcDeFgHiJ" not in secret.message and secret.location.path == "app.py" and secret.location.line == 3
    vuln = [r for r in run(ev, "vulnerable-dependency") if r.outcome is Outcome.NEGATIVE]
    assert {r.details["advisories"][0] for r in vuln} == {"PYSEC-2020-96", "PYSEC-2021-142"}
    assert len({r.fingerprint("vulnerable-dependency") for r in vuln}) == 2
    # Remediation fits the finding, not the probe: the version that fixes both advisories, the rule's
    # own fix for a probe that covers several rules, what to do with this kind of secret.
    assert {r.remediation for r in vuln} == {r.details["remediation"] for r in vuln}
    assert all("`pyyaml==5.4`" in r.remediation for r in vuln) and {r.details["upgrade_to"] for r in vuln} == {"5.4"}
    (torch_load,) = [r for r in run(ev, "risky-deserialization-code") if r.outcome is Outcome.NEGATIVE]
    assert "weights_only=True" in torch_load.remediation
    assert secret.remediation.startswith("Revoke the Hugging Face token at its issuer")


def test_clean_project_positive_or_not_applicable(project_dir: Path, write, monkeypatch) -> None:
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    write("requirements.txt", "pyyaml==6.0.2\n")
    write("app.py", "import torch\nm = torch.load('m.pt', weights_only=True)\n")
    ev = Evidence(project_dir, plan())
    assert {r.outcome for r in run(ev, "vulnerable-dependency")} == {Outcome.POSITIVE}
    assert {r.outcome for r in run(ev, "risky-deserialization-code")} == {Outcome.POSITIVE}
    assert {r.outcome for r in run(ev, "secret-in-code")} == {Outcome.POSITIVE}
    assert {r.outcome for r in run(ev, "storage-unencrypted-iac")} == {Outcome.NOT_APPLICABLE}


def test_empty_project_claims_nothing(project_dir: Path, monkeypatch) -> None:
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    ev = Evidence(project_dir, plan())
    for pid in MINE:
        assert Outcome.POSITIVE not in {r.outcome for r in run(ev, pid)}, pid


def test_patch_sla_overdue_from_the_store(store: Store, project_dir: Path, write) -> None:
    write("requirements.txt", "pyyaml==5.3\n")
    first = Evidence(project_dir, plan(), today=dt.date(2026, 1, 1), store=store)
    assert {r.outcome for r in run(first, "patch-sla-overdue")} == {Outcome.POSITIVE}  # open, within SLA
    later = Evidence(project_dir, plan(patch={"sla_days": {"medium": 30}}), today=dt.date(2026, 3, 1), store=store)
    results = run(later, "patch-sla-overdue")
    overdue = [r for r in results if r.outcome is Outcome.NEGATIVE]
    assert len(overdue) == 2 and all("open 59 days, SLA 30 days" in r.message for r in overdue)
