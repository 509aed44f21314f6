"""Formats with no pickle in them get a real analysis: TensorFlow SavedModel (graph ops, Keras
metadata), TensorFlow Lite (custom and Flex ops), TorchScript (its code files), LightGBM text models
and CatBoost ``.cbm`` files (their structure). Plain ones are ``safe``; nothing is imported or run."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from secplan.model.scan import Verdict, scan_file, scan_paths

from . import tensorflow as tf
from .corpus import call_system


def scanned(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return scan_file(path)


# -- TensorFlow SavedModel -----------------------------------------------------------------------

def test_a_plain_saved_model_directory_is_safe(tmp_path: Path) -> None:
    root = tmp_path / "export"
    (root / "variables").mkdir(parents=True)
    (root / "saved_model.pb").write_bytes(tf.saved_model(keras_objects=[tf.DENSE]))
    (root / "keras_metadata.pb").write_bytes(tf.keras_metadata([tf.DENSE]))
    (root / "fingerprint.pb").write_bytes(tf.fingerprint())
    (root / "variables" / "variables.index").write_bytes(b"\x00" * 64)
    (root / "variables" / "variables.data-00000-of-00001").write_bytes(b"\x00" * 256)
    report = scan_paths([root])
    formats = {Path(f.path).name: (f.format, f.verdict) for f in report.files}
    assert formats == {"saved_model.pb": ("tf-savedmodel", Verdict.SAFE),
                       "keras_metadata.pb": ("tf-keras-metadata", Verdict.SAFE),
                       "fingerprint.pb": ("tf-fingerprint", Verdict.SAFE)}
    assert report.exit_code() == 0


@pytest.mark.parametrize("op", ["ReadFile", "WriteFile", "MatchingFiles", "PyFunc", "EagerPyFunc",
                                "PyFuncStateless", "TFRecordDataset", "ImmutableConst", "DebugIdentityV2",
                                "RpcClient"])
@pytest.mark.parametrize("where", ["graph", "function"])
def test_graphs_that_reach_files_python_or_the_network_are_unsafe(tmp_path: Path, op: str, where: str) -> None:
    evil = tf.node("evil", op, "x")
    model = tf.saved_model([evil]) if where == "graph" else tf.saved_model(functions=[
        tf.function("__inference_restore_3", tf.node("const", "Const"), evil)])
    result = scanned(tmp_path, "saved_model.pb", model)
    (hit,) = [f for f in result.findings if f.rule == "tf-dangerous-op"]
    assert result.verdict is Verdict.UNSAFE and hit.symbol == op
    assert ("function __inference_restore_3" if where == "function" else "'evil'") in hit.message


def test_print_to_a_file_is_unsafe_and_print_to_stderr_is_not(tmp_path: Path) -> None:
    def printing(stream: str) -> bytes:
        return tf.saved_model([tf.node("p", "PrintV2", "x", attrs={"output_stream": tf.field(2, stream)})])

    assert scanned(tmp_path, "saved_model.pb", printing("file:///tmp/out")).verdict is Verdict.UNSAFE
    assert scanned(tmp_path, "saved_model.pb", printing("stderr")).verdict is Verdict.SAFE


def test_keras_lambda_layers_in_saved_model_metadata_are_unsafe(tmp_path: Path) -> None:
    assert scanned(tmp_path, "a/keras_metadata.pb", tf.keras_metadata([tf.DENSE, tf.LAMBDA])).verdict is Verdict.UNSAFE
    legacy = scanned(tmp_path, "b/saved_model.pb", tf.saved_model(keras_objects=[tf.DENSE, tf.LAMBDA]))
    assert legacy.verdict is Verdict.UNSAFE and "keras-lambda" in {f.rule for f in legacy.findings}


def test_a_corrupt_graph_inside_a_saved_model_is_suspicious(tmp_path: Path) -> None:
    graph = tf.field(1, b"\x12\x50MatMul")  # a NodeDef whose op claims 80 bytes, 6 are there
    meta = tf.field(2, graph)
    result = scanned(tmp_path, "saved_model.pb", tf.field(1, 1) + tf.field(2, meta))
    assert result.verdict is Verdict.SUSPICIOUS and {f.rule for f in result.findings} == {"tf-malformed"}


@pytest.mark.parametrize("name", ["saved_model.pb", "keras_metadata.pb", "fingerprint.pb"])
def test_other_data_under_saved_model_names_is_unsupported(tmp_path: Path, name: str) -> None:
    assert scanned(tmp_path, name, b"\x08\x07 not a protobuf at all \xff\xff").verdict is Verdict.UNSUPPORTED


# -- TensorFlow Lite -----------------------------------------------------------------------------

def test_tflite_builtin_custom_and_flex_ops(tmp_path: Path) -> None:
    plain = scanned(tmp_path, "m.tflite", tf.tflite())
    assert (plain.format, plain.verdict) == ("tflite", Verdict.SAFE)
    custom = scanned(tmp_path, "m.tflite", tf.tflite(["MyVendorOp"]))
    assert custom.verdict is Verdict.SUSPICIOUS and custom.findings[0].symbol == "MyVendorOp"
    flex = scanned(tmp_path, "m.tflite", tf.tflite(["FlexMatMul", "FlexReadFile"]))
    assert flex.verdict is Verdict.UNSAFE and [f.symbol for f in flex.findings] == ["FlexReadFile"]
    blind = scanned(tmp_path, "weights.bin", tf.tflite(["FlexWriteFile"]))
    assert (blind.format, blind.verdict) == ("tflite", Verdict.UNSAFE)


def test_a_tflite_offset_outside_the_file_is_suspicious(tmp_path: Path) -> None:
    data = bytearray(tf.tflite())
    data[0:4] = (len(data) + 100).to_bytes(4, "little")  # the root table points past the end
    result = scanned(tmp_path, "m.tflite", bytes(data))
    assert result.verdict is Verdict.SUSPICIOUS and result.findings[0].rule == "tflite-malformed"


# -- TorchScript ---------------------------------------------------------------------------------

def _scripted(tmp_path: Path) -> Path:
    import torch

    class Block(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = torch.nn.Linear(4, 4)
            self.norm = torch.nn.LayerNorm(4)

        def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
            out: dict[str, torch.Tensor] = {}
            for i in range(3):
                x = torch.relu(self.fc(x)) if i % 2 == 0 else self.norm(x).clamp(min=0.0)
                out["k" + str(i)] = x.sum(dim=1)
            return out

    path = tmp_path / "scripted.pt"
    torch.jit.save(torch.jit.script(Block()), str(path))
    return path


def _with_code(path: Path, marker: str, line: str) -> bytes:
    """The archive with ``line`` added after the first line containing ``marker`` in the code of ``Block``."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if "/code/" in info.filename and info.filename.endswith(".py") and b"class Block" in data:
                text = data.decode()
                at = text.index("\n", text.index(marker)) + 1
                indent = " " * (len(text[at:]) - len(text[at:].lstrip()))
                data = (text[:at] + indent + line + "\n" + text[at:]).encode()
            dst.writestr(info, data)
    return out.getvalue()


def test_a_real_torchscript_archive_is_safe(tmp_path: Path) -> None:
    result = scan_file(_scripted(tmp_path))
    assert (result.format, result.verdict) == ("torchscript", Verdict.SAFE), [f.to_dict() for f in result.findings]


@pytest.mark.parametrize(("line", "verdict", "rule"), [
    ("_9 = os.system(\"id\")", Verdict.UNSAFE, "torchscript-call"),
    ("_9 = torch.from_file(\"/etc/passwd\")", Verdict.UNSAFE, "torchscript-call"),
    ("_9 = ops.aten.from_file(\"/etc/passwd\")", Verdict.UNSAFE, "torchscript-call"),
    ("_9 = torch.ops.vendor_lib.decode(x)", Verdict.SUSPICIOUS, "torchscript-custom-op"),
    ("_9 = helper(x)", Verdict.SUSPICIOUS, "torchscript-call"),
])
def test_calls_outside_torchscript_builtins_are_flagged(tmp_path: Path, line: str, verdict: Verdict,
                                                        rule: str) -> None:
    result = scanned(tmp_path, "tampered.pt", _with_code(_scripted(tmp_path), "out = annotate", line))
    assert result.format == "torchscript" and result.verdict is verdict
    assert rule in {f.rule for f in result.findings}
    assert any(f.member and "/code/__torch__/" in f.member for f in result.findings)


def test_a_pickle_payload_in_a_torchscript_archive_is_still_unsafe(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(_scripted(tmp_path)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, call_system("id") if info.filename.endswith("constants.pkl") else src.read(info))
    result = scanned(tmp_path, "payload.pt", out.getvalue())
    assert result.verdict is Verdict.UNSAFE and "pickle-dangerous-global" in {f.rule for f in result.findings}


# -- LightGBM and CatBoost -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lightgbm_model() -> bytes:
    import lightgbm
    import pandas as pd

    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"x": rng.rand(300), "c": pd.Categorical(rng.choice(["a", "b", "c"], 300))})
    booster = lightgbm.train({"objective": "multiclass", "num_class": 3, "verbose": -1},
                             lightgbm.Dataset(frame, rng.randint(0, 3, 300)), 4)
    return booster.model_to_string().encode()


def test_a_real_lightgbm_model_is_safe(tmp_path: Path, lightgbm_model: bytes) -> None:
    for name in ("model.txt", "model.lgb", "model"):
        result = scanned(tmp_path, name, lightgbm_model)
        assert (result.format, result.verdict) == ("lightgbm", Verdict.SAFE), [f.to_dict() for f in result.findings]


@pytest.mark.parametrize(("old", "new"), [
    (b"tree_sizes=", b"tree_sizes=1 "),  # one size too many: trees read at the wrong offsets
    (b"left_child=", b"left_child=77 "),  # a child index outside the tree
    (b"split_feature=", b"split_feature=9 "),  # a feature the model does not have
    (b"pandas_categorical:", b"pandas_categorical:{not json"),
    (b"\nend of trees", b"\n"),
])
def test_a_lightgbm_model_that_disagrees_with_itself_is_suspicious(tmp_path: Path, lightgbm_model: bytes,
                                                                   old: bytes, new: bytes) -> None:
    result = scanned(tmp_path, "model.txt", lightgbm_model.replace(old, new, 1))
    assert result.verdict in (Verdict.SUSPICIOUS, Verdict.UNSUPPORTED)
    assert result.verdict is Verdict.UNSUPPORTED or result.findings[0].rule == "lightgbm-malformed"


def test_a_lightgbm_binary_dataset_is_data(tmp_path: Path) -> None:
    import lightgbm

    path = tmp_path / "train.bin"
    lightgbm.Dataset(np.random.rand(50, 2), np.arange(50) % 2, params={"verbose": -1}).save_binary(str(path))
    result = scan_file(path)
    assert (result.format, result.verdict) == ("lightgbm-dataset", Verdict.SAFE)


def test_catboost_models_are_analysed(tmp_path: Path) -> None:
    good = scanned(tmp_path, "model.cbm", tf.catboost_cbm())
    assert (good.format, good.verdict) == ("catboost", Verdict.SAFE)
    data = bytearray(tf.catboost_cbm())
    data[4:8] = (len(data) * 2).to_bytes(4, "little")
    bad = scanned(tmp_path, "model.cbm", bytes(data))
    assert bad.verdict is Verdict.SUSPICIOUS and bad.findings[0].rule == "catboost-malformed"


def test_a_frozen_graph_def_is_analysed_like_a_saved_model_graph(tmp_path: Path) -> None:
    plain = b"".join(tf.field(1, n) for n in (tf.node("x", "Placeholder"), tf.node("w", "Const"),
                                             tf.node("y", "MatMul", "x", "w"))) + tf.field(4, tf.field(1, 27))
    result = scanned(tmp_path, "frozen_inference_graph.pb", plain)
    assert (result.format, result.verdict) == ("tf-graphdef", Verdict.SAFE)
    evil = plain + tf.field(1, tf.node("leak", "WriteFile", "x"))
    result = scanned(tmp_path, "frozen_inference_graph.pb", evil)
    assert result.verdict is Verdict.UNSAFE and result.findings[0].symbol == "WriteFile"
    assert scanned(tmp_path, "notes.pb", b"plain text, not a graph\n").verdict is Verdict.UNSUPPORTED
