"""Every registered probe sits in its pillar's folder (so a reader who knows the plan finds it), and has
a test module with cases where it passes and where it fails (see ``cases.py``)."""

from __future__ import annotations

import dataclasses
import importlib
import types
from pathlib import Path

from secplan.assess.registry import PROBE_PACKAGES, all_probes
from secplan.plan.catalogue import load_catalogue
from secplan.vocabulary import Outcome

from .cases import Case

#: The folder each pillar's probes live in.
PILLAR_PACKAGE = {"DS": "secplan.data.probes", "MS": "secplan.model.probes", "PS": "secplan.platform.probes",
                  "CS": "secplan.compliance.probes", "HS": "secplan.human.probes"}


def test_every_probe_is_in_its_pillars_folder() -> None:
    pillar = {c.id: c.pillar.value for c in load_catalogue()}
    assert set(PILLAR_PACKAGE.values()) == set(PROBE_PACKAGES)
    misplaced = [f"{p.id} ({p.definition.control}) is in {p.run.__module__}"
                 for p in all_probes()
                 if p.run.__module__.rsplit(".", 1)[0] != PILLAR_PACKAGE[pillar[p.definition.control]]]
    assert misplaced == []




#: Probes that never return ``positive``, on purpose (a control never passes on an absence of data):
#: their passing case is a clean one (nothing wrong, nothing missing). Each says why.
NO_POSITIVE = {
    "private-key-in-project": "finding no key file is no evidence of key management (DS-2's key probes are)",
    "backup-configured": "a declared repository is no backup; backup-recent and restore-drill-recent judge runs",
    "sharing-governed": "with share records, share-agreements judges each share",
    "dependency-manifest-present": "with a manifest, vulnerable-dependency judges what it declares",
    "third-party-sources": "with vendor records, vendor-agreements and vendor-reviews judge each vendor",
}
#: Probes that never return ``negative``: their failing case is the outcome they give instead, and why.
NO_NEGATIVE = {
    "sharing-governed": (Outcome.NO_EVIDENCE,
                         "shared assets without share records need evidence (share-agreements finds violations)"),
    "third-party-sources": (Outcome.NO_EVIDENCE, "providers used with no vendor records at all need evidence"),
    "hsm-backed-keys": (Outcome.NOT_APPLICABLE,
                        "software keys are no evidence either way; tamper-protection-attested asks for hardware"),
}


def _passes(probe_id: str, case: Case) -> bool:
    return case.passes or (probe_id in NO_POSITIVE and case.clean)


def _fails(probe_id: str, case: Case) -> bool:
    return case.fails or (probe_id in NO_NEGATIVE and NO_NEGATIVE[probe_id][0] in case.expect)


def _case_module(probe) -> types.ModuleType | None:
    name = f"tests.probes.test_{probe.run.__module__.rsplit('.', 1)[1]}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def coverage_problems(probe) -> list[str]:
    """What is missing from ``probe``'s test module (empty when it has its cases)."""
    module = _case_module(probe)
    where = f"tests/probes/test_{probe.run.__module__.rsplit('.', 1)[1]}.py"
    if module is None:
        return [f"{probe.id}: no {where}"]
    cases = [c for c in getattr(module, "CASES", ()) if isinstance(c, Case) and c.probe == probe.id]
    problems = []
    if not callable(getattr(module, "test_case", None)):
        problems.append(f"{probe.id}: {where} has no test_case running its CASES")
    if not any(_passes(probe.id, c) for c in cases):
        problems.append(f"{probe.id}: no case in {where} where it passes (positive, no negative)")
    if not any(_fails(probe.id, c) for c in cases):
        problems.append(f"{probe.id}: no case in {where} where it fails (a negative)")
    return problems


def test_every_probe_has_cases_where_it_passes_and_fails() -> None:
    problems = [line for p in all_probes() for line in coverage_problems(p)]
    assert problems == [], "probes without their cases:\n" + "\n".join(problems)


def test_the_check_catches_a_probe_without_cases() -> None:
    probe = next(p for p in all_probes() if p.id == "backup-recent")
    assert coverage_problems(probe) == []
    run = types.FunctionType(probe.run.__code__, {}, "run")
    run.__module__ = "secplan.human.probes.a_probe_nobody_wrote"
    fake = dataclasses.replace(probe, run=run)
    assert coverage_problems(fake) == ["backup-recent: no tests/probes/test_a_probe_nobody_wrote.py"]


def test_cases_are_unique_per_probe() -> None:
    seen: dict[tuple[str, str], str] = {}
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(f"tests.probes.{path.stem}")
        for case in getattr(module, "CASES", ()):
            assert (case.probe, case.name) not in seen, f"{case.probe} [{case.name}] twice"
            seen[(case.probe, case.name)] = path.name
