"""The typed-evidence mechanism: what a probe may read, what a collector must return, and how a
missing engine is reported (``error`` naming the evidence, never a silent ``manual``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from secplan.assess import evidence as evidence_module
from secplan.assess.evidence import Evidence, collector, installed_keys
from secplan.assess.interface import EvidenceKey, EvidenceUnavailable, Result, UndeclaredEvidence, positive
from secplan.assess.pipeline import assess, run_probe
from secplan.assess.registry import Probe, all_probes, load_probe
from secplan.crypto.evidence import KEYS
from secplan.data.classify.evidence import DATA_CLASSIFICATION
from secplan.plan.loader import parse_plan
from secplan.vocabulary import Outcome, Status

from .helpers import make_project

TODAY = dt.date(2026, 12, 1)


@dataclass(frozen=True)
class Widgets:
    count: int


WIDGETS: EvidenceKey[Widgets] = EvidenceKey("test_widgets", Widgets, "widgets counted by a test engine")
"""A key no installed engine provides (tests register a collector for it when they need one)."""


@pytest.fixture
def collectors(monkeypatch: pytest.MonkeyPatch) -> dict:
    """The collector table, restored after the test (engines are imported first so nothing re-registers)."""
    installed_keys()
    table = dict(evidence_module._COLLECTORS)
    monkeypatch.setattr(evidence_module, "_COLLECTORS", table)
    return table


def _evidence(root: Path, **kw) -> Evidence:
    make_project(root, {"d.csv": "a\n1\n"})
    plan = parse_plan((root / "secplan.yaml").read_text(encoding="utf-8"))
    return Evidence(root, plan, today=TODAY, **kw)


def _probe(run, needs=(), optional=(), probe_id="test-probe") -> Probe:
    definition = dataclasses.replace(all_probes()[0].definition, id=probe_id)
    return Probe(definition, run, tuple(needs), tuple(optional))


# -- a probe reads only what it declared ---------------------------------------------------------

def test_a_probe_reading_an_undeclared_key_is_refused(project_dir: Path) -> None:
    ev = _evidence(project_dir, provided={WIDGETS: Widgets(3)})
    view = ev.for_probe("p", ())
    with pytest.raises(UndeclaredEvidence, match="probe p reads test_widgets without declaring it"):
        view.get(WIDGETS)
    with pytest.raises(UndeclaredEvidence):
        view.provides(WIDGETS)
    assert ev.for_probe("p", (WIDGETS,)).get(WIDGETS) == Widgets(3)


def test_a_key_with_the_same_name_and_another_type_is_not_the_declared_one(project_dir: Path) -> None:
    impostor = EvidenceKey("test_widgets", dict)
    view = _evidence(project_dir, provided={WIDGETS: Widgets(1)}).for_probe("p", (WIDGETS,))
    with pytest.raises(UndeclaredEvidence):
        view.get(impostor)


def test_evidence_is_read_by_key_not_by_string(project_dir: Path) -> None:
    ev = _evidence(project_dir)
    with pytest.raises(TypeError, match="by EvidenceKey, not by str"):
        ev.get("keys")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="by EvidenceKey, not by str"):
        ev.for_probe("p", (KEYS,)).get("keys")  # type: ignore[arg-type]


def test_a_probe_view_cannot_provide_evidence(project_dir: Path) -> None:
    with pytest.raises(TypeError, match="probes only read it"):
        _evidence(project_dir).for_probe("p", (WIDGETS,)).provide(WIDGETS, Widgets(1))


def test_an_undeclared_read_in_the_pipeline_is_an_error_result(project_dir: Path) -> None:
    def run(ev: Evidence) -> Iterator[Result]:
        yield positive(f"{ev.get(WIDGETS).count} widgets")

    ev = _evidence(project_dir, provided={WIDGETS: Widgets(2)})
    results, error = run_probe(_probe(run), ev)
    assert [r.outcome for r in results] == [Outcome.ERROR]
    assert "reads test_widgets without declaring it" in error
    results, error = run_probe(_probe(run, needs=(WIDGETS,)), ev)
    assert error is None and [r.message for r in results] == ["2 widgets"]


# -- a collector returns its key's type ----------------------------------------------------------

def test_a_collector_returning_another_type_is_refused(collectors: dict, project_dir: Path) -> None:
    @collector(WIDGETS)
    def count_widgets(ev: Evidence) -> Widgets:
        return {"count": 3}  # type: ignore[return-value]

    ev = _evidence(project_dir)
    with pytest.raises(TypeError, match="returned dict for test_widgets, not Widgets"):
        ev.get(WIDGETS)
    results, error = run_probe(_probe(lambda e: [positive(str(e.get(WIDGETS)))], needs=(WIDGETS,)), ev)
    assert [r.outcome for r in results] == [Outcome.ERROR] and "returned dict" in error


def test_a_collector_returning_its_type_is_computed_once(collectors: dict, project_dir: Path) -> None:
    calls = []

    @collector(WIDGETS)
    def count_widgets(ev: Evidence) -> Widgets:
        calls.append(1)
        return Widgets(len(ev.files))

    ev = _evidence(project_dir)
    assert ev.provides(WIDGETS)
    assert ev.get(WIDGETS) == ev.get(WIDGETS) == Widgets(1)  # d.csv (the plan file is not discovered)
    assert len(calls) == 1


def test_provided_evidence_must_have_the_keys_type(project_dir: Path) -> None:
    with pytest.raises(TypeError, match="the value provided returned int for test_widgets"):
        _evidence(project_dir, provided={WIDGETS: 3})


def test_collector_registration_is_checked(collectors: dict) -> None:
    with pytest.raises(TypeError, match="takes an EvidenceKey, not str"):
        collector("test_widgets")  # type: ignore[arg-type]

    @collector(WIDGETS)
    def first(ev: Evidence) -> Widgets:
        return Widgets(1)

    with pytest.raises(TypeError, match="already has a collector"):
        @collector(WIDGETS)
        def second(ev: Evidence) -> Widgets:
            return Widgets(2)

    with pytest.raises(TypeError, match="already has a collector"):
        collector(EvidenceKey("test_widgets", int))(first)


# -- missing engines: error for NEEDS, fine for OPTIONAL -------------------------------------------

def test_a_needed_key_no_engine_provides_is_an_error_naming_it(project_dir: Path) -> None:
    ran = []
    probe = _probe(lambda ev: ran.append(1) or [], needs=(WIDGETS,))
    assert probe.unavailable() == [WIDGETS]
    results, error = run_probe(probe, _evidence(project_dir))
    assert not ran
    assert [r.outcome for r in results] == [Outcome.ERROR]
    assert error == "no installed engine provides test_widgets: widgets counted by a test engine"


def test_a_missing_engine_makes_its_controls_error_not_manual(collectors: dict, project_dir: Path) -> None:
    del collectors[KEYS.name]
    make_project(project_dir, {"d.csv": "a\n1\n"})
    plan = parse_plan((project_dir / "secplan.yaml").read_text(encoding="utf-8"))
    doc = assess(project_dir, plan, today=TODAY)
    controls = {c.id: c for c in doc.controls}
    ds2_keys_probes = {p.id for p in all_probes() if KEYS in p.needs and p.definition.control == "DS-2"}
    errors = [f for f in controls["DS-2"].findings if f.outcome == Outcome.ERROR]
    assert {f.probe for f in errors} == ds2_keys_probes and len(ds2_keys_probes) == 3
    assert all("no installed engine provides keys" in f.message for f in errors)
    assert controls["DS-2"].status != Status.MANUAL
    # PS-6: hsm-backed-keys cannot run and the attestation probe has no records: error, not manual
    assert controls["PS-6"].status == Status.ERROR
    assert "no installed engine provides keys" in controls["PS-6"].summary
    keys_probes = {p.id for p in all_probes() if KEYS in p.needs}
    runs = {r.id: r for r in doc.probes}
    assert all(runs[p].error and "keys" in runs[p].error for p in keys_probes)


def test_an_optional_key_no_engine_provides_is_fine(collectors: dict, project_dir: Path) -> None:
    collectors.pop(DATA_CLASSIFICATION.name, None)
    make_project(project_dir, {"d.csv": "a\n1\n"}, assets=[{"path": "d.csv", "classification": "restricted"}])
    plan = parse_plan((project_dir / "secplan.yaml").read_text(encoding="utf-8"))
    probe = next(p for p in all_probes() if p.id == "sensitive-data-in-clear")
    assert DATA_CLASSIFICATION in probe.optional and not probe.unavailable()
    results, error = run_probe(probe, Evidence(project_dir, plan, today=TODAY))
    assert error is None
    assert [(r.outcome, r.message) for r in results] == [(Outcome.NEGATIVE, "restricted dataset is stored in clear")]


def test_an_optional_key_read_without_asking_is_an_error_naming_it(project_dir: Path) -> None:
    probe = _probe(lambda ev: [positive(str(ev.get(WIDGETS)))], optional=(WIDGETS,))
    assert probe.unavailable() == []
    results, error = run_probe(probe, _evidence(project_dir))
    assert [r.outcome for r in results] == [Outcome.ERROR]
    assert error.startswith("no installed engine provides test_widgets")
    with pytest.raises(EvidenceUnavailable):
        _evidence(project_dir).get(WIDGETS)


# -- declarations are checked when probes are registered -----------------------------------------

def _module(name: str, **attrs) -> types.ModuleType:
    module = types.ModuleType(f"secplan.data.probes.{name}")
    module.run = lambda ev: []
    for key, value in attrs.items():
        setattr(module, key, value)
    return module


@pytest.mark.parametrize(("attrs", "problem"), [
    ({}, "NEEDS is not declared"),
    ({"NEEDS": [KEYS]}, "NEEDS must be a tuple of EvidenceKey"),
    ({"NEEDS": ("keys",)}, "NEEDS must be a tuple of EvidenceKey"),
    ({"NEEDS": (), "OPTIONAL": KEYS}, "OPTIONAL must be a tuple of EvidenceKey"),
    ({"NEEDS": (KEYS,), "OPTIONAL": (KEYS,)}, "declares a key both in NEEDS and in OPTIONAL"),
])
def test_bad_declarations_make_an_error_result(attrs: dict, problem: str, project_dir: Path) -> None:
    probe = load_probe(_module("backup_configured", **attrs))  # borrows a real def.yml
    assert problem in (probe.problem or "")
    results, error = run_probe(probe, _evidence(project_dir))
    assert [r.outcome for r in results] == [Outcome.ERROR] and problem in error


def test_every_registered_probe_declares_its_evidence() -> None:
    probes = all_probes()
    assert len(probes) >= 70
    assert [p.id for p in probes if p.problem] == []
    assert all(isinstance(p.needs, tuple) and isinstance(p.optional, tuple) for p in probes)
