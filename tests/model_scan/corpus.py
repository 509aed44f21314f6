"""Test corpora. Benign artifacts are made by the real libraries at test time; malicious ones are
assembled as bytes (opcode by opcode, or by pickling objects whose ``__reduce__`` names a callable:
pickling only records the name, nothing runs) and are never loaded."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import pickle
import struct
import sys
import tarfile
import types
import zipfile
import zlib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

# -- pickle assembly -----------------------------------------------------------------------------


def su(text: str) -> bytes:
    """SHORT_BINUNICODE."""
    raw = text.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


def glob0(module: str, name: str) -> bytes:
    """GLOBAL (text opcode)."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def call_system(command: str, proto: int = 2) -> bytes:
    """``os.system(command)`` the classic way."""
    head = b"\x80" + bytes([proto]) if proto >= 2 else b""
    return head + glob0("os", "system") + su(command) + b"\x85R."


def touch_payload(path: str) -> bytes:
    """A pickle that would create ``path`` if loaded: ``builtins.open(path, 'w')``."""
    return b"\x80\x04" + su("builtins") + su("open") + b"\x93" + su(path) + su("w") + b"\x86R."


def pickle_of(obj: object, protocol: int = 4) -> bytes:
    return pickle.dumps(obj, protocol=protocol)


class _Reduce:
    def __init__(self, func: object, args: tuple) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> tuple:
        return self.func, self.args


# -- containers ----------------------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def torch_zip(data_pkl: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    members = {"archive/data.pkl": data_pkl, "archive/byteorder": b"little", "archive/version": b"3\n"}
    members.update(extra or {})
    return zip_bytes(members)


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sevenzip_bytes(members: dict[str, bytes], tmp: Path) -> bytes:
    import py7zr

    path = tmp / "tmp.7z"
    with py7zr.SevenZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(data, name)
    data = path.read_bytes()
    path.unlink()
    return data


def lz4_bytes(data: bytes) -> bytes:
    import lz4.frame

    return lz4.frame.compress(data)


WRAPPERS = {
    "gzip": gzip.compress,
    "bz2": bz2.compress,
    "xz": lambda d: lzma.compress(d, format=lzma.FORMAT_XZ),
    "lzma": lambda d: lzma.compress(d, format=lzma.FORMAT_ALONE),
    "zlib": zlib.compress,
    "lz4": lz4_bytes,
}


def npy_object(payload: bytes) -> bytes:
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload


def legacy_torch(main: bytes) -> bytes:
    """Legacy ``torch.save`` stream with ``main`` as the object pickle and no storages."""
    magic = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
    return magic + pickle.dumps(1001, protocol=2) + pickle.dumps({"little_endian": True}, protocol=2) + main \
        + pickle.dumps([], protocol=2)


def safetensors_bytes(header: dict | bytes, data: bytes, length: int | None = None) -> bytes:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(raw) if length is None else length) + raw + data


def gguf_bytes(kvs: list[tuple[str, int, bytes]], version: int = 3) -> bytes:
    """A GGUF header with no tensors; each kv is (key, type, encoded value)."""
    out = b"GGUF" + struct.pack("<IQQ", version, 0, len(kvs))
    for key, kind, value in kvs:
        out += struct.pack("<Q", len(key)) + key.encode() + struct.pack("<I", kind) + value
    return out


def gguf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def keras_zip(config: dict) -> bytes:
    import h5py

    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        f.create_dataset("layers/dense/vars/0", data=[[1.0, 2.0]])
    return zip_bytes({"metadata.json": json.dumps({"keras_version": "3.6.0", "date_saved": "2026-01-01"}).encode(),
                      "config.json": json.dumps(config).encode(), "model.weights.h5": weights.getvalue()},
                     zipfile.ZIP_DEFLATED)


def keras_h5(path: Path, config: dict) -> None:
    import h5py

    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.create_dataset("model_weights/dense/kernel", data=[[0.5, 0.25]])


def k3_layer(cls: str, config: dict | None = None, module: str = "keras.layers") -> dict:
    return {"module": module, "class_name": cls, "config": config or {"name": cls.lower()}, "registered_name": None}


def k3_sequential(layers: list[dict]) -> dict:
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "seq", "layers": layers},
            "registered_name": None}


def onnx_model(domain: str = "", external: str | None = None):
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.ones((2, 2), dtype=np.float32), "W")
    if external is not None:
        weight.ClearField("raw_data")
        weight.data_location = TensorProto.EXTERNAL
        for key, value in (("location", external), ("offset", "0"), ("length", "16")):
            entry = weight.external_data.add()
            entry.key, entry.value = key, value
    node = helper.make_node("MatMul", ["X", "W"], ["Y"], domain=domain)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 2])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 2])], [weight])
    opsets = [helper.make_opsetid("", 17)] + ([helper.make_opsetid(domain, 1)] if domain else [])
    return helper.make_model(graph, opset_imports=opsets, producer_name="secplan-tests")


# -- benign corpus -------------------------------------------------------------------------------


def _transformers_training_args() -> bytes:
    """A training-arguments object pickled under transformers' real module and class names."""
    mods = {name: types.ModuleType(name) for name in ("transformers", "transformers.training_args",
                                                         "transformers.trainer_utils")}

    class IntervalStrategy(str, Enum):  # noqa: UP042 - as transformers defines it
        NO = "no"
        STEPS = "steps"

    @dataclass
    class TrainingArguments:
        output_dir: str = "out"
        learning_rate: float = 5e-5
        eval_strategy: IntervalStrategy = IntervalStrategy.STEPS
        report_to: list[str] = field(default_factory=lambda: ["none"])

    for cls, module in ((IntervalStrategy, "transformers.trainer_utils"),
                        (TrainingArguments, "transformers.training_args")):
        cls.__module__, cls.__qualname__ = module, cls.__name__
    mods["transformers.trainer_utils"].IntervalStrategy = IntervalStrategy
    mods["transformers.training_args"].TrainingArguments = TrainingArguments
    saved = {name: sys.modules.get(name) for name in mods}
    sys.modules.update(mods)
    try:
        return pickle.dumps(TrainingArguments(learning_rate=1e-4), protocol=4)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def build_benign(root: Path) -> dict[str, Path]:
    """Write real artifacts made by the real libraries; returns name -> path."""
    import joblib
    import numpy as np
    import pandas as pd
    import torch
    import xgboost
    from safetensors.numpy import save_file
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        (root / name).write_bytes(data)
        out[name] = root / name

    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 4))
    y = (x[:, 0] > 0).astype(int)
    models = {
        "logreg": LogisticRegression().fit(x, y),
        "forest": RandomForestClassifier(n_estimators=3, random_state=0).fit(x, y),
        "gbm": GradientBoostingClassifier(n_estimators=3).fit(x, y),
        "pipeline": Pipeline([("s", StandardScaler()), ("t", DecisionTreeClassifier())]).fit(x, y),
    }
    for name, model in models.items():
        put(f"sk_{name}.pkl", pickle.dumps(model, protocol=5))
        joblib.dump(model, root / f"sk_{name}.joblib")
        out[f"sk_{name}.joblib"] = root / f"sk_{name}.joblib"
    for comp in ("zlib", "gzip", "bz2", "xz", "lzma", "lz4"):
        joblib.dump(models["forest"], root / f"sk_forest.{comp}.joblib", compress=(comp, 3))
        out[f"sk_forest.{comp}.joblib"] = root / f"sk_forest.{comp}.joblib"
    put("sk_logreg_p2.pkl", pickle.dumps(models["logreg"], protocol=2))
    put("sk_logreg_p0.pkl", pickle.dumps(models["logreg"], protocol=0))

    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 2))
    opt = torch.optim.AdamW(net.parameters())
    net(torch.randn(5, 4)).sum().backward()
    opt.step()
    for name, obj in (("state_dict", net.state_dict()), ("optimizer", opt.state_dict()),
                      ("checkpoint", {"model": net.state_dict(), "optim": opt.state_dict(), "epoch": 3,
                                      "rng": torch.get_rng_state()})):
        torch.save(obj, root / f"torch_{name}.pt")
        torch.save(obj, root / f"torch_{name}_legacy.pt", _use_new_zipfile_serialization=False)
        out[f"torch_{name}.pt"] = root / f"torch_{name}.pt"
        out[f"torch_{name}_legacy.pt"] = root / f"torch_{name}_legacy.pt"
    torch.save(net, root / "torch_module.pt")
    out["torch_module.pt"] = root / "torch_module.pt"
    torch.save({"half": torch.ones(3, dtype=torch.float16), "bf": torch.zeros(2, dtype=torch.bfloat16),
                "i": torch.arange(4), "b": torch.tensor([True])}, root / "torch_dtypes.bin")
    out["torch_dtypes.bin"] = root / "torch_dtypes.bin"

    xgb = xgboost.XGBClassifier(n_estimators=3, max_depth=2).fit(x, y)
    put("xgb.pkl", pickle.dumps(xgb))
    put("xgb_booster.pkl", pickle.dumps(xgb.get_booster()))

    np.save(root / "array.npy", x)
    out["array.npy"] = root / "array.npy"
    np.save(root / "strings.npy", np.array(["a", None, 3], dtype=object), allow_pickle=True)
    out["strings.npy"] = root / "strings.npy"
    np.savez_compressed(root / "arrays.npz", a=x, b=y)
    out["arrays.npz"] = root / "arrays.npz"
    put("array.pkl", pickle.dumps({"x": x, "rec": np.zeros(2, dtype=[("a", "f4"), ("b", "U3")])}))
    put("rng_state.pkl", pickle.dumps({"legacy": np.random.RandomState(1), "gen": np.random.default_rng(2),
                                       "state": np.random.get_state()}))

    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "c": pd.to_datetime(["2024-01-01"] * 3),
                          "d": pd.Categorical(["u", "v", "u"])})
    put("frame.pkl", pickle.dumps(frame))
    put("training_args.bin", _transformers_training_args())

    save_file({"w": x.astype("float32"), "b": y.astype("int64")}, str(root / "model.safetensors"),
              metadata={"format": "np"})
    out["model.safetensors"] = root / "model.safetensors"

    import onnx

    onnx.save_model(onnx_model(), str(root / "model.onnx"))
    out["model.onnx"] = root / "model.onnx"
    ext_dir = root / "onnx_ext"
    ext_dir.mkdir()
    onnx.save_model(onnx_model(), str(ext_dir / "model.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="weights.data", size_threshold=0)
    out["onnx_ext/model.onnx"] = ext_dir / "model.onnx"

    import gguf

    writer = gguf.GGUFWriter(str(root / "model.gguf"), "llama")
    writer.add_chat_template(
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] "
        "+ '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
    writer.add_tensor("w", np.ones((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    out["model.gguf"] = root / "model.gguf"

    put("model.keras", keras_zip(k3_sequential([k3_layer("InputLayer", {"batch_shape": [None, 2]}),
                                                 k3_layer("Dense", {"units": 2, "activation": "relu"}),
                                                 k3_layer("Dropout", {"rate": 0.1})])))
    keras_h5(root / "model.h5", {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 2]}},
        {"class_name": "Dense", "config": {"units": 2, "kernel_initializer": {"class_name": "GlorotUniform",
                                                                               "config": {"seed": None}}}}]}})
    out["model.h5"] = root / "model.h5"

    put("bundle.zip", zip_bytes({"a/model.pkl": (root / "sk_logreg.pkl").read_bytes(),
                                 "b/state.pt": (root / "torch_state_dict.pt").read_bytes()}, zipfile.ZIP_DEFLATED))
    put("bundle.tar.gz", gzip.compress(tar_bytes({"model.joblib": (root / "sk_forest.joblib").read_bytes()})))
    put("bundle.7z", sevenzip_bytes({"model.pkl": (root / "sk_gbm.pkl").read_bytes()}, root))
    return out

