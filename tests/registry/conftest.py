"""Registry fixtures: a project with a small real model folder and an ECDSA P-256 signing key."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.manager import KeyManager
from tests.crypto.conftest import PASSPHRASE, make_manager, softhsm  # noqa: F401


@pytest.fixture
def signer(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> KeyManager:
    """The project's keystore with an active ``model-signing`` ecdsa-p256 key (cheap KDF)."""
    monkeypatch.setenv("SECPLAN_PASSPHRASE", PASSPHRASE)
    keystore = project_dir / ".secplan" / "keystore.json"
    monkeypatch.setenv("SECPLAN_KEYSTORE", str(keystore))
    manager = make_manager(keystore)
    manager.create("model-signing", KeyType.ECDSA_P256)
    return manager


def write_model(folder: Path, seed: int = 0) -> Path:
    """A model folder: safetensors weights, a config, a tokenizer in a subfolder (all safe formats)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    save_file({"w": rng.standard_normal((16, 8)).astype("float32")}, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps({"layers": 2, "seed": seed}))
    (folder / "tok").mkdir(exist_ok=True)
    (folder / "tok" / "vocab.txt").write_text("a\nb\nc\n")
    return folder


@pytest.fixture
def model_dir(project_dir: Path) -> Path:
    return write_model(project_dir / "models" / "fraud")


@pytest.fixture
def dataset(project_dir: Path) -> Path:
    path = project_dir / "data" / "train.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("age,label\n31,1\n45,0\n")
    return path


def unsafe_pickle(path: Path) -> None:
    """A pickle that would call os.system on load (never loaded: the scanner reads it statically)."""

    class Evil:
        def __reduce__(self):
            import os

            return (os.system, ("true",))

    path.write_bytes(pickle.dumps(Evil()))


from tests.governance.conftest import act_as, team  # noqa: E402,F401  (users with roles and tokens)
