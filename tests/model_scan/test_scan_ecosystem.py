"""The ML ecosystem's benign classes are recognised precisely: what each may reduce to, nothing more.

Real artifacts are built with the libraries installed here (torch, numpy, pandas, scikit-learn,
XGBoost, LightGBM); transformers, accelerate, peft, Lightning and CatBoost are not installed, so
their pickles are written opcode by opcode from the documented shape of the objects
(:mod:`.ecosystem`). Next to each allowed class, its neighbours that run code stay caught.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from secplan.model.scan import Verdict, scan_file

from . import ecosystem
from .corpus import glob0, su, torch_zip

rng = np.random.RandomState(0)
X = rng.rand(200, 3)
y = (X[:, 0] > 0.5).astype(int)


def _lightgbm() -> dict[str, object]:
    import lightgbm

    booster = lightgbm.train({"objective": "binary", "verbose": -1}, lightgbm.Dataset(X, y), 3)
    return {
        "LGBMClassifier": lightgbm.LGBMClassifier(n_estimators=3, verbose=-1).fit(X, y),
        "LGBMRegressor": lightgbm.LGBMRegressor(n_estimators=3, verbose=-1).fit(X, X[:, 1]),
        "LGBMRanker": lightgbm.LGBMRanker(n_estimators=3, verbose=-1).fit(X, rng.randint(0, 3, 200), group=[100, 100]),
        "Booster": booster,
        "early stopping": lightgbm.LGBMClassifier(n_estimators=20, verbose=-1).fit(
            X, y, eval_set=[(X, y)], callbacks=[lightgbm.early_stopping(2, verbose=False)]),
    }


def _xgboost() -> dict[str, object]:
    import xgboost

    return {"XGBClassifier": xgboost.XGBClassifier(n_estimators=3).fit(X, y),
            "XGBRFRegressor": xgboost.XGBRFRegressor(n_estimators=3).fit(X, X[:, 1]),
            "Booster": xgboost.train({}, xgboost.DMatrix(X, y), 2)}


def _numpy_pandas() -> dict[str, object]:
    import pandas as pd

    return {
        "masked": np.ma.masked_array([1.0, 2.0, 3.0], mask=[0, 1, 0]),
        "structured": np.zeros(3, dtype=[("a", "<f8"), ("b", "S4"), ("c", "<i2", (2,))]),
        "generators": [np.random.default_rng(1), np.random.Generator(np.random.PCG64DXSM(2)),
                       np.random.Generator(np.random.Philox(3)), np.random.Generator(np.random.SFC64(4)),
                       np.random.RandomState(5), np.random.SeedSequence(6)],
        "scalars": [np.float32(1.5), np.int64(3), np.datetime64("2024-01-01"), np.timedelta64(3, "h"), np.bool_(True)],
        "frame": pd.DataFrame({"cat": pd.Categorical(["a", "b", "a"]), "ts": pd.date_range("2024", periods=3, tz="UTC"),
                               "period": pd.period_range("2024-01", periods=3, freq="M"),
                               "interval": pd.interval_range(0, 3), "sparse": pd.arrays.SparseArray([0, 0, 1]),
                               "nullable": pd.array([1, None, 3], dtype="Int64"), "text": ["x", "y", None]}),
        "multiindex": pd.Series([1, 2], index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])),
        "timedelta": pd.timedelta_range("1 day", periods=2),
    }


def _torch() -> dict[str, object]:
    import torch

    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.LSTM(4, 4), torch.nn.Embedding(5, 4))
    opt = torch.optim.AdamW(net.parameters())
    return {
        "sparse": {"coo": torch.rand(3, 3).to_sparse(), "csr": torch.rand(3, 3).to_sparse_csr()},
        "quantized": torch.quantize_per_tensor(torch.rand(4), 0.1, 10, torch.quint8),
        "whole module": layer, "optimizer": opt,
        "checkpoint": {"version": torch.__version__, "opt": opt.state_dict(),
                       "sched": torch.optim.lr_scheduler.CosineAnnealingLR(opt, 10).state_dict(),
                       "scaler": torch.amp.GradScaler("cpu").state_dict(), "rng": torch.get_rng_state()},
        "dtypes": {"c": torch.rand(2, dtype=torch.cfloat), "f8": torch.rand(2).to(torch.float8_e4m3fn),
                   "u16": torch.zeros(2, dtype=torch.uint16)},
    }


@pytest.mark.parametrize("library", ["lightgbm", "xgboost", "numpy/pandas", "torch"])
def test_real_artifacts_of_the_ecosystem_scan_safe(tmp_path: Path, library: str) -> None:
    import joblib
    import torch

    build = {"lightgbm": _lightgbm, "xgboost": _xgboost, "numpy/pandas": _numpy_pandas, "torch": _torch}[library]
    problems = {}
    for name, value in build().items():
        paths = [tmp_path / "p.pkl", tmp_path / "j.joblib"]
        paths[0].write_bytes(pickle.dumps(value, protocol=4))
        joblib.dump(value, paths[1])
        if library == "torch":
            paths.append(tmp_path / "t.pt")
            torch.save(value, paths[-1])
        for path in paths:
            result = scan_file(path)
            if result.verdict is not Verdict.SAFE:
                problems[f"{name} {path.suffix}"] = [f.to_dict() for f in result.findings]
    assert problems == {}


@pytest.mark.parametrize("name", ["training_args", "seq2seq_args", "peft_config", "accelerate_state",
                                  "lightning_checkpoint"])
def test_documented_shapes_of_uninstalled_libraries_scan_safe(tmp_path: Path, name: str) -> None:
    path = tmp_path / ("training_args.bin" if "args" in name else f"{name}.ckpt")
    path.write_bytes(getattr(ecosystem, name)())
    result = scan_file(path)
    assert result.format == "pytorch-zip"
    assert result.verdict is Verdict.SAFE, [f.to_dict() for f in result.findings]


@pytest.mark.parametrize("module", ["pytorch_lightning.utilities.parsing", "lightning_fabric.utilities.data"])
def test_older_lightning_module_names_scan_safe(tmp_path: Path, module: str) -> None:
    path = tmp_path / "last.ckpt"
    path.write_bytes(ecosystem.lightning_checkpoint(module))
    assert scan_file(path).verdict is Verdict.SAFE


def test_a_catboost_estimator_pickle_scans_safe(tmp_path: Path) -> None:
    path = tmp_path / "cb.pkl"
    path.write_bytes(ecosystem.catboost_pickle(b"CBM1" + b"\x00" * 40))
    assert scan_file(path).verdict is Verdict.SAFE


#: Neighbours of allowed classes: same library, but they run code, load more, or are not data.
NEIGHBOURS = [
    ("transformers.trainer", "Trainer", Verdict.SUSPICIOUS),
    ("transformers.dynamic_module_utils", "get_class_from_dynamic_module", Verdict.UNSAFE),
    ("transformers.models.auto.modeling_auto", "AutoModel.from_pretrained", Verdict.UNSAFE),
    ("transformers.training_args", "TrainingArguments.__init__.__globals__", Verdict.UNSAFE),
    ("accelerate.state", "PartialState.wait_for_everyone", Verdict.SUSPICIOUS),
    ("accelerate.launchers", "notebook_launcher", Verdict.UNSAFE),
    ("accelerate.utils.dataclasses", "add_model_config_to_megatron_parser", Verdict.SUSPICIOUS),
    ("peft.tuners.lora.model", "LoraModel", Verdict.SUSPICIOUS),
    ("peft.peft_model", "PeftModel.from_pretrained", Verdict.UNSAFE),
    ("lightning.pytorch.core.module", "LightningModule", Verdict.SUSPICIOUS),
    ("lightgbm.basic", "Dataset", Verdict.SUSPICIOUS),
    ("lightgbm.basic", "_load_lib", Verdict.UNSAFE),
    ("lightgbm.callback", "record_evaluation", Verdict.SUSPICIOUS),
    ("xgboost.core", "_load_lib", Verdict.UNSAFE),
    ("xgboost.tracker", "RabitTracker", Verdict.UNSAFE),
    ("catboost.core", "_CatBoostBase", Verdict.SUSPICIOUS),
    ("catboost.core", "CatBoost.load_model", Verdict.UNSAFE),
    ("omegaconf.omegaconf", "OmegaConf", Verdict.SUSPICIOUS),
    ("torch.serialization", "_get_restore_location", Verdict.UNSAFE),
    ("torch.fx.graph_module", "reduce_graph_module", Verdict.UNSAFE),
]


@pytest.mark.parametrize(("module", "name", "verdict"), NEIGHBOURS)
def test_neighbours_of_allowed_classes_are_not_allowed(tmp_path: Path, module: str, name: str,
                                                       verdict: Verdict) -> None:
    path = tmp_path / "model.pt"
    path.write_bytes(torch_zip(b"\x80\x04" + su(module) + su(name) + b"\x93)R."))
    assert scan_file(path).verdict is verdict


def test_an_allowed_class_given_code_in_its_state_is_still_caught(tmp_path: Path) -> None:
    # TrainingArguments with os.system hidden in a field: the field's global is judged like any other.
    state = ecosystem.obj("transformers.training_args", "TrainingArguments", {
        "output_dir": glob0("os", "system") + ecosystem.text("id") + b"\x85R"})
    path = tmp_path / "training_args.bin"
    path.write_bytes(torch_zip(b"\x80\x02" + state + b"."))
    assert scan_file(path).verdict is Verdict.UNSAFE


@pytest.mark.parametrize("padding", [0, 4096])  # held in memory, or skipped and read back from the file
def test_tensor_bytes_that_plain_pickle_writes_are_scanned_as_the_torch_stream_they_are(
        tmp_path: Path, padding: int) -> None:
    from .corpus import call_system

    def load_from_bytes(payload: bytes) -> bytes:
        return (b"\x80\x02" + glob0("torch.storage", "_load_from_bytes") + b"B" + len(payload).to_bytes(4, "little")
                + payload + b"\x85R.")

    evil = call_system("id") + b"N" * padding
    path = tmp_path / "tensor.pkl"
    path.write_bytes(load_from_bytes(evil))
    result = scan_file(path)
    assert result.verdict is Verdict.UNSAFE and "os.system" in {f.symbol for f in result.findings}
    # A callable in place of the bytes, and bytes that cannot be read back (inside gzip), are not vouched for.
    path.write_bytes(b"\x80\x02" + glob0("torch.storage", "_load_from_bytes") + glob0("mypkg", "blob") + b"\x85R.")
    assert scan_file(path).verdict is Verdict.UNSAFE
    import gzip

    import torch

    (tmp_path / "t.pkl.gz").write_bytes(gzip.compress(pickle.dumps(torch.ones(64))))
    assert scan_file(tmp_path / "t.pkl.gz").verdict is Verdict.UNSAFE
    (tmp_path / "t.pkl").write_bytes(pickle.dumps(torch.ones(64)))
    assert scan_file(tmp_path / "t.pkl").verdict is Verdict.SAFE


def test_saved_arguments_with_paths_uuids_patterns_and_namespaces_scan_safe(tmp_path: Path) -> None:
    import argparse
    import re
    import types
    import uuid

    import torch

    args = argparse.Namespace(data_dir=Path("/data/train"), run=uuid.uuid4(), lr=1e-3, tags=["a"],
                              pattern=re.compile(r"\w+", re.I), extra=types.SimpleNamespace(seed=3))
    torch.save({"args": args, "state_dict": {}}, tmp_path / "ckpt.pt")
    (tmp_path / "args.pkl").write_bytes(pickle.dumps(args))
    for name in ("ckpt.pt", "args.pkl"):
        result = scan_file(tmp_path / name)
        assert result.verdict is Verdict.SAFE, [f.to_dict() for f in result.findings]
