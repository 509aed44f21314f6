"""ONNX: a protobuf graph. No code of its own, but two ways out: external data files that point
outside the model's directory (reads of arbitrary files, or of files an attacker placed via a
symlink), and custom operator domains (the runtime loads a native library to run them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from secplan.model.scan.policy import Policy
from secplan.model.scan.result import Finding, Verdict

STANDARD_DOMAINS = {"", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training",
                    "com.microsoft", "com.microsoft.nchwc", "com.microsoft.experimental", "org.pytorch.aten"}
MAX_SIZE = 2 << 30
"""Protobuf's own limit: larger ONNX models keep their weights as external data."""
MAX_GUESS = 256 << 20
"""Largest file parsed as ONNX when neither its name nor a magic number says so."""


def parse(data: bytes) -> Any | None:
    """The ModelProto, or None when the bytes are not an ONNX model (protobuf parsing runs no code)."""
    try:
        import onnx
        from google.protobuf.message import DecodeError
    except ImportError:
        return None
    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except (DecodeError, ValueError, RecursionError):
        return None
    if model.ir_version <= 0 or not model.HasField("graph") or not model.opset_import:
        return None
    return model


def _graphs(graph: Any) -> Iterator[Any]:
    stack = [graph]
    while stack:
        g = stack.pop()
        yield g
        for node in g.node:
            for attr in node.attribute:
                if attr.HasField("g"):
                    stack.append(attr.g)
                stack.extend(attr.graphs)


def _tensors(model: Any) -> Iterator[Any]:
    for g in _graphs(model.graph):
        yield from g.initializer
        for sparse in g.sparse_initializer:
            yield sparse.values
            yield sparse.indices
        for node in g.node:
            for attr in node.attribute:
                if attr.HasField("t"):
                    yield attr.t
                yield from attr.tensors


def external_locations(model: Any) -> list[str]:
    """Every external data location the model's tensors name."""
    import onnx

    found: list[str] = []
    for tensor in _tensors(model):
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            found += [entry.value for entry in tensor.external_data if entry.key == "location"]
    return found


def check(model: Any, model_dir: Path | None, policy: Policy, member: str | None) -> list[Finding]:
    import onnx

    findings: list[Finding] = []
    local_domains = {f.domain for f in model.functions}
    allowed = STANDARD_DOMAINS | local_domains | set(policy.onnx_domains)
    seen_domains: set[str] = set()
    for g in _graphs(model.graph):
        for node in g.node:
            if node.domain not in allowed and node.domain not in seen_domains:
                seen_domains.add(node.domain)
                findings.append(Finding(
                    "onnx-custom-op-domain", Verdict.SUSPICIOUS,
                    f"operator {node.op_type} from custom domain {node.domain!r}: the runtime must load a "
                    "native library to run it", member, symbol=f"{node.domain}.{node.op_type}"))
    for tensor in _tensors(model):
        if tensor.data_location != onnx.TensorProto.EXTERNAL:
            continue
        info = {entry.key: entry.value for entry in tensor.external_data}
        location = info.get("location", "")
        findings.extend(_check_location(tensor.name, location, model_dir, member))
    return findings


def _check_location(tensor: str, location: str, model_dir: Path | None, member: str | None) -> list[Finding]:
    parts = Path(location.replace("\\", "/")).parts
    if not location or os.path.isabs(location) or location.startswith(("/", "\\")) or ".." in parts \
            or (len(location) > 1 and location[1] == ":"):
        return [Finding("onnx-external-data-outside", Verdict.UNSAFE,
                        f"tensor {tensor!r} reads external data from {location!r}, outside the model's "
                        "directory", member, symbol=location)]
    if model_dir is None:
        return []
    target = model_dir / location
    probe = model_dir
    for part in parts:
        probe = probe / part
        if probe.is_symlink():
            inside = os.path.realpath(target).startswith(os.path.realpath(model_dir) + os.sep)
            verdict = Verdict.SUSPICIOUS if inside else Verdict.UNSAFE
            rule = "onnx-external-data-symlink" if inside else "onnx-external-data-outside"
            return [Finding(rule, verdict, f"tensor {tensor!r} reads external data through a symlink "
                            f"({location!r} -> {os.path.realpath(target)})", member, symbol=location)]
    return []
