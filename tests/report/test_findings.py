"""The one finding model: fingerprints that survive edits, rule ids that are unique and documented."""

from __future__ import annotations

import re
from pathlib import Path

from secplan.findings import (
    HELP_BASE,
    Finding,
    Location,
    fingerprint,
    help_uri,
    rule_catalogue,
    without_numbers,
    worst_first,
)
from secplan.plan.catalogue import load_catalogue
from secplan.vocabulary import Severity

ROOT = Path(__file__).resolve().parents[2]


def test_fingerprint_ignores_whitespace_and_line_numbers_but_not_the_subject() -> None:
    base = fingerprint("torch-load-unsafe", "train.py", "model = torch.load(path)")
    assert base == fingerprint("torch-load-unsafe", "train.py", "    model  =  torch.load(path)\t")
    assert len(base) == 32 and re.fullmatch(r"[0-9a-f]{32}", base)
    assert base != fingerprint("torch-load-unsafe", "train.py", "model = torch.load(other)")
    assert base != fingerprint("torch-load-unsafe", "eval.py", "model = torch.load(path)")
    assert base != fingerprint("pickle-load", "train.py", "model = torch.load(path)")
    assert base != fingerprint("torch-load-unsafe", "train.py", "model = torch.load(path)", where="cell 2")
    assert without_numbers("offset 120 in member 3") == "offset # in member #"


def test_fingerprint_of_a_path_that_is_not_utf8() -> None:
    odd = b"data/\xff.csv".decode("utf-8", "surrogateescape")
    assert fingerprint("r", odd, "x") != fingerprint("r", "data/?.csv", "x")


def test_a_finding_fills_in_its_id_fingerprint_and_help() -> None:
    f = Finding("dockerfile-runs-as-root", "PS-7", Severity.HIGH, "runs as root", Location("Dockerfile", 3))
    assert f.fingerprint == fingerprint("dockerfile-runs-as-root", "Dockerfile", "runs as root")
    assert f.id == f"dockerfile-runs-as-root/{f.fingerprint[:12]}"
    assert f.help_uri == f"{HELP_BASE}#dockerfile-runs-as-root" == help_uri(f.rule)
    moved = Finding("dockerfile-runs-as-root", "PS-7", Severity.HIGH, "runs as root", Location("Dockerfile", 9))
    assert moved.fingerprint == f.fingerprint


def test_location_text_names_the_cell_line_and_column() -> None:
    assert str(Location("nb.ipynb", 4, 7, cell=2, member="cell 2")) == "nb.ipynb [cell 2]:4:7"
    assert str(Location("model.pt", member="archive/data.pkl")) == "model.pt [archive/data.pkl]"
    assert str(Location("model.pkl", offset=12)) == "model.pkl@12"


def test_worst_first_orders_by_severity_then_place() -> None:
    def f(sev: Severity, path: str, state: str = "open") -> Finding:
        return Finding("r", "PS-7", sev, path, Location(path), state=state)  # type: ignore[arg-type]

    ordered = worst_first([f(Severity.LOW, "a"), f(Severity.CRITICAL, "z"), f(Severity.HIGH, "b", "waived"),
                           f(Severity.HIGH, "c")])
    assert [(x.severity, x.location.path) for x in ordered if x.location] == [
        (Severity.CRITICAL, "z"), (Severity.HIGH, "c"), (Severity.HIGH, "b"), (Severity.LOW, "a")]


def test_every_rule_has_a_unique_kebab_id_a_real_control_and_a_help_heading() -> None:
    rules = rule_catalogue()
    controls = {c.id for c in load_catalogue()}
    headings = set(re.findall(r"^### (\S+)$", (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), re.M))
    assert len(rules) > 60
    for rule in rules.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert rule.control in controls, rule
        assert rule.title and rule.remediation, rule.id
        assert rule.help_uri.rsplit("#", 1)[1] in headings, f"{rule.id} has no heading in docs/rules.md"


def test_every_probe_id_has_a_help_heading() -> None:
    from secplan.assess.registry import all_probes

    headings = set(re.findall(r"^### (\S+)$", (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), re.M))
    missing = [p.id for p in all_probes() if p.id not in headings]
    assert missing == []


def test_an_engine_rule_that_is_a_probe_has_the_probe_severity_and_control() -> None:
    """One problem, one id, one severity: where a rule id is also a probe id they agree."""
    from secplan.assess.registry import all_probes

    probes = {p.id: p.definition for p in all_probes()}
    shared = [r for r in rule_catalogue().values() if r.id in probes]
    assert "dockerfile-runs-as-root" in {r.id for r in shared}
    for rule in shared:
        assert (rule.severity, rule.control) == (probes[rule.id].severity, probes[rule.id].control), rule.id
