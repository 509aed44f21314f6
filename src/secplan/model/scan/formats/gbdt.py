"""Gradient-boosting libraries' own model files: LightGBM's text model and CatBoost's ``.cbm``.

Neither format carries code; what can go wrong is the native parser trusting numbers the file
gives it. LightGBM reads trees at the byte offsets ``tree_sizes`` announces and follows child
indices and feature indices without checking them against the tree; CatBoost reads a flatbuffer
whose size and offsets the header gives. A file whose structure agrees with itself is ``safe``; one
that does not is ``suspicious`` (a crafted file aimed at the parser, or a corrupt one).
"""

from __future__ import annotations

import json
import re
import struct

from secplan.model.scan.formats.tflite import FlatError, Table
from secplan.model.scan.result import Finding, Verdict

MAX_SIZE = 1 << 30
_TREE_ARRAYS = {"split_feature": -1, "threshold": -1, "decision_type": -1, "left_child": -1, "right_child": -1,
                "leaf_value": 0}
"""Arrays of each tree and their length relative to ``num_leaves`` (internal nodes are one fewer)."""


class _Bad(ValueError):
    pass


def check_lightgbm(data: bytes, member: str | None) -> list[Finding]:
    """Findings for a LightGBM text model (``Booster.save_model``)."""
    try:
        _lightgbm(data)
    except _Bad as exc:
        return [Finding("lightgbm-malformed", Verdict.SUSPICIOUS, f"the model disagrees with itself ({exc}): "
                        "LightGBM's parser trusts these numbers", member)]
    return []


def _keys(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if sep:
            out[key] = value
    return out


def _ints(text: str, what: str) -> list[int]:
    try:
        return [int(v) for v in text.split()]
    except ValueError:
        raise _Bad(f"{what} is not a list of integers") from None


_TREE = re.compile(rb"^Tree=\d+$", re.M)


def _lightgbm(data: bytes) -> None:
    end = data.find(b"\nend of trees")
    if end < 0:
        raise _Bad("the trees do not end with 'end of trees'")
    starts = [m.start() for m in _TREE.finditer(data, 0, end)]
    try:
        header = _keys(data[:starts[0] if starts else end].decode("utf-8").splitlines())
        blocks = [data[a:b].decode("utf-8") for a, b in zip(starts, [*starts[1:], end + 1], strict=True)]
        tail = data[end:].decode("utf-8")
    except UnicodeDecodeError:
        raise _Bad("not UTF-8 text") from None
    if not header.get("version", "").startswith("v"):
        raise _Bad("no version line")
    try:
        max_feature = int(header["max_feature_idx"])
        num_class = int(header.get("num_class", "1"))
    except (KeyError, ValueError):
        raise _Bad("max_feature_idx or num_class missing or not a number") from None
    if num_class < 1:
        raise _Bad("num_class below 1")
    if "tree_sizes" in header:
        # LightGBM parses the trees in parallel at the offsets these sizes give.
        sizes = _ints(header["tree_sizes"], "tree_sizes")
        actual = [len(block.encode()) for block in blocks]
        if sizes != actual:
            raise _Bad(f"tree_sizes says {sizes[:5]}..., the trees are {actual[:5]}... bytes")
    for index, block in enumerate(blocks):
        _tree(index, _keys(block.splitlines()[1:]), max_feature)
    _pandas_categorical(tail)


def _tree(index: int, tree: dict[str, str], max_feature: int) -> None:
    try:
        leaves = int(tree["num_leaves"])
    except (KeyError, ValueError):
        raise _Bad(f"tree {index} has no num_leaves") from None
    if leaves < 1:
        raise _Bad(f"tree {index} has {leaves} leaves")
    if leaves == 1:
        return  # a constant tree: only leaf_value
    for key, delta in _TREE_ARRAYS.items():
        if key not in tree or len(tree[key].split()) != leaves + delta:
            raise _Bad(f"tree {index}: {key} does not have {leaves + delta} entries")
    for child in _ints(tree["left_child"], "left_child") + _ints(tree["right_child"], "right_child"):
        if not -leaves <= child < leaves - 1:
            raise _Bad(f"tree {index} points at node {child}, outside its {leaves} leaves")
    for feature in _ints(tree["split_feature"], "split_feature"):
        if not 0 <= feature <= max_feature:
            raise _Bad(f"tree {index} splits on feature {feature}, the model has {max_feature + 1}")


def _pandas_categorical(tail: str) -> None:
    _, sep, value = tail.partition("pandas_categorical:")
    if sep:
        try:
            json.loads(value.strip() or "null")
        except ValueError:
            raise _Bad("pandas_categorical is not JSON (the Python package parses it)") from None


def check_catboost(data: bytes, member: str | None) -> list[Finding]:
    """Findings for a CatBoost ``.cbm``: ``CBM1``, the core's size, then the core as a flatbuffer
    (``TModelCore``: format version, trees, info map, part ids) and the parts it lists."""
    try:
        if len(data) < 8:
            raise FlatError("shorter than its header")
        (core_size,) = struct.unpack_from("<I", data, 4)
        if 8 + core_size > len(data):
            raise FlatError(f"the core claims {core_size} bytes, {len(data) - 8} follow")
        core = data[8:8 + core_size]
        (root,) = struct.unpack_from("<I", core, 0)
        table = Table(core, root)
        table.string(0)  # FormatVersion
        if table.field(1) is not None:  # ModelTrees
            Table(core, table.field(1) + struct.unpack_from("<I", core, table.field(1))[0])  # type: ignore[operator]
    except (FlatError, struct.error) as exc:
        return [Finding("catboost-malformed", Verdict.SUSPICIOUS, f"the model's structure is inconsistent "
                        f"({exc}): CatBoost's parser trusts these offsets", member)]
    return []
