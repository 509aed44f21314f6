"""The monitor's detectors on synthetic traffic: quiet on benign replay, loud on drift and extraction."""

from __future__ import annotations

import pytest

from secplan.model.monitor.detect import Monitor
from tests.monitor.synthetic import make_world, marginal_queries, rows_of


@pytest.fixture(scope="module")
def world():
    return make_world()


def _replay(monitor: Monitor, frame, predictions, clients: int = 5) -> list:
    rows = rows_of(frame)
    found = []
    for start in range(0, len(rows), 25):
        batch = range(start, min(start + 25, len(rows)))
        found += monitor.observe_many([([rows[i]], [predictions[i]], f"c{i % clients}") for i in batch])
    return found


def test_benign_held_out_replay_raises_no_alert(world) -> None:
    found = _replay(Monitor("fraud", world.profile), world.held_out, world.predict(world.held_out))
    assert found == []


def test_shifted_feature_raises_drift_alert_naming_it(world) -> None:
    shifted = world.held_out.copy()
    shifted["debt"] = shifted["debt"] + 2500
    found = _replay(Monitor("fraud", world.profile), shifted, world.predict(shifted))
    drift = [d for d in found if d.kind == "drift"]
    assert drift and {d.feature for d in drift} == {"debt"}


def test_extraction_from_marginals_detected_within_a_few_hundred_queries(world) -> None:
    queries = marginal_queries(world.profile, 300, seed=3)
    answers = world.predict(queries)
    monitor = Monitor("fraud", world.profile)
    found = []
    for i, row in enumerate(rows_of(queries)):
        found += monitor.observe([row], [answers[i]], client="attacker")
    extraction = [d for d in found if d.kind == "extraction"]
    assert extraction and extraction[0].client == "attacker"
    assert extraction[0].score > extraction[0].threshold
