"""Fuzzing the hand-written parsers of non-pickle formats (bounded): mutated SavedModel, Keras
metadata, TFLite, LightGBM, CatBoost and TorchScript files give a verdict, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secplan.model.scan import Verdict, scan_file

from . import tensorflow as tf

_TREE = (b"Tree=0\nnum_leaves=2\nnum_cat=0\nsplit_feature=1\nsplit_gain=1\nthreshold=0.5\ndecision_type=2\n"
         b"left_child=-1\nright_child=-2\nleaf_value=0.1 -0.1\nshrinkage=1\n\n\n")
LIGHTGBM = (b"tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\nmax_feature_idx=1\n"
            b"objective=binary sigmoid:1\nfeature_names=a b\nfeature_infos=[0:1] [0:1]\ntree_sizes="
            + str(len(_TREE)).encode() + b"\n\n" + _TREE + b"end of trees\n\npandas_categorical:null\n")
"""A LightGBM text model as ``Booster.save_model`` lays it out: header, one tree, ``end of trees``."""
SAMPLES = [
    ("saved_model.pb", tf.saved_model([tf.node("r", "ReadFile")], keras_objects=[tf.DENSE, tf.LAMBDA])),
    ("keras_metadata.pb", tf.keras_metadata([tf.DENSE, tf.LAMBDA])),
    ("fingerprint.pb", tf.fingerprint()),
    ("frozen.pb", tf.field(1, tf.node("x", "Placeholder")) + tf.field(1, tf.node("r", "ReadFile", "x"))),
    ("model.tflite", tf.tflite(["FlexReadFile", "Custom"])),
    ("model.txt", LIGHTGBM),
    ("model.cbm", tf.catboost_cbm()),
]
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _scan(name: str, data: bytes) -> Verdict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        result = scan_file(path)
        result.to_dict()
        bugs = [f.message for f in result.findings if "scanner bug" in f.message]
        assert not bugs, (name, data[:64], bugs)
        return result.verdict


def test_the_unmutated_samples_are_what_they_say() -> None:
    assert [_scan(name, data) for name, data in SAMPLES] == [
        Verdict.UNSAFE, Verdict.UNSAFE, Verdict.SAFE, Verdict.UNSAFE, Verdict.UNSAFE, Verdict.SAFE, Verdict.SAFE]


@FUZZ
@given(st.sampled_from(SAMPLES), st.data())
def test_mutated_native_files(sample: tuple[str, bytes], data: st.DataObject) -> None:
    name, valid = sample
    mutated = bytearray(valid)
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(mutated) - 1))
        mutated[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(mutated)))
    assert _scan(name, bytes(mutated[:cut])) in set(Verdict)


@FUZZ
@given(st.text(max_size=400))
def test_any_text_as_torchscript_code(source: str) -> None:
    from secplan.model.scan.formats import torchscript
    from secplan.model.scan.policy import DEFAULT_POLICY

    for finding in torchscript.check(source.encode("utf-8", "surrogatepass"), DEFAULT_POLICY, "code/x.py"):
        assert finding.verdict in (Verdict.SUSPICIOUS, Verdict.UNSAFE)
