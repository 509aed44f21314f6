"""The worker loads only verified, scanned models, in its own limited process, for every format."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from secplan.errors import InputError, IntegrityError
from secplan.model.registry.versions import register_model
from secplan.model.worker import Limits, WorkerError, open_worker
from tests.model_worker.conftest import save_model, table


@pytest.mark.parametrize("fmt", ["sklearn", "skops", "xgboost", "lightgbm", "onnx"])
def test_every_format_answers_like_the_library(fmt: str, sqlite_store, project_dir: Path) -> None:
    path, model = save_model(fmt, project_dir / "models" / fmt)
    version = register_model(sqlite_store, project_dir, path, f"m-{fmt}")
    frame, _ = table(80, seed=1)
    expected = model.predict_proba(frame.to_numpy() if fmt == "onnx" else frame)
    with open_worker(version, project_dir) as worker:
        assert worker.info.format == fmt
        assert worker.info.task == "classification"
        assert worker.info.classes == [0, 1]
        got = worker.predict_proba(frame)
        labels = worker.predict(frame)
        assert worker.queries == 160
    tolerance = 1e-5 if fmt == "onnx" else 1e-9  # ONNX runs the graph in float32
    assert np.allclose(got, expected, atol=tolerance)
    assert np.array_equal(labels, np.argmax(expected, axis=1))
    assert not worker.prepared.workdir.exists()  # the private copy is gone after close


def test_tampered_model_is_refused_before_any_load(sqlite_store, project_dir: Path) -> None:
    path, _ = save_model("sklearn", project_dir / "models" / "rf")
    version = register_model(sqlite_store, project_dir, path, "rf")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="do not match the registered digest"):
        open_worker(version, project_dir)


class _Canary:
    """A pickle whose loading would create a file: proof that nothing loaded it."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (open, (str(self.target), "w"))


def test_unsafe_pickle_is_refused_and_never_loaded(sqlite_store, project_dir: Path) -> None:
    canary = project_dir / "loaded"
    path = project_dir / "models" / "evil.pkl"
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps(_Canary(canary)))
    version = register_model(sqlite_store, project_dir, path, "evil")
    assert version.scan_verdict == "unsafe"
    with pytest.raises(IntegrityError, match="refused before loading"):
        open_worker(version, project_dir)
    assert not canary.exists()


def test_a_format_it_cannot_load_is_named(sqlite_store, project_dir: Path) -> None:
    from safetensors.numpy import save_file

    path = project_dir / "models" / "w.safetensors"
    path.parent.mkdir(parents=True)
    save_file({"w": np.zeros((2, 2), dtype="float32")}, str(path))
    version = register_model(sqlite_store, project_dir, path, "weights")
    with pytest.raises(InputError, match="cannot evaluate safetensors") as info:
        open_worker(version, project_dir)
    assert info.value.exit_code == 2


def test_memory_limit_stops_a_worker_with_a_clear_error(sqlite_store, project_dir: Path) -> None:
    path, _ = save_model("sklearn", project_dir / "models" / "rf")
    version = register_model(sqlite_store, project_dir, path, "rf")
    with pytest.raises(WorkerError, match=r"model worker|MB"):
        open_worker(version, project_dir, limits=Limits(memory_mb=48))
