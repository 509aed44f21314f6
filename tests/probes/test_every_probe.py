"""Every registered probe sits in its pillar's folder (so a reader who knows the plan finds it)."""

from __future__ import annotations

from secplan.assess.registry import PROBE_PACKAGES, all_probes
from secplan.plan.catalogue import load_catalogue

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
