"""TensorFlow SavedModel, parsed from its protobuf bytes (no TensorFlow import, no generated code).

``saved_model.pb`` holds ``SavedModel { meta_graphs: [MetaGraphDef] }``; each meta graph has a
``GraphDef`` (nodes, and a library of functions with nodes of their own), a stripped op list and a
``SavedObjectGraph`` whose user objects may carry Keras metadata. Loading a SavedModel runs its
graphs: an op that reads or writes files, calls back into Python or talks to the network does so
with the loading process's rights, whatever the model was said to compute. ``keras_metadata.pb``
holds the Keras layer configs that ``tf.keras`` rebuilds (a ``Lambda`` there is Python bytecode).
Field numbers are those of TensorFlow's ``.proto`` definitions (saved_model, meta_graph, graph,
node_def, function, op_def, saved_object_graph, and Keras's saved_metadata).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

from secplan.model.scan.formats.protowire import (
    LEN,
    WireError,
    fields,
    map_entries,
    strings,
    submessages,
    text,
)
from secplan.model.scan.policy import Policy
from secplan.model.scan.result import Finding, Verdict

MAX_SIZE = 1 << 30

PYTHON_OPS = {"PyFunc": "calls a Python function of the loading process",
              "PyFuncStateless": "calls a Python function of the loading process",
              "EagerPyFunc": "calls a Python function of the loading process"}
FILE_OPS = dict.fromkeys((
    "ReadFile", "WriteFile", "MatchingFiles", "DeleteFile", "FileSystemSetConfiguration", "ImmutableConst",
    "WholeFileReader", "WholeFileReaderV2", "TextLineReader", "TextLineReaderV2", "FixedLengthRecordReader",
    "FixedLengthRecordReaderV2", "TFRecordReader", "TFRecordReaderV2", "LMDBReader", "TextLineDataset",
    "TFRecordDataset", "TFRecordDatasetV2", "FixedLengthRecordDataset", "FixedLengthRecordDatasetV2",
    "LMDBDataset", "ExperimentalLMDBDataset", "SqlDataset", "ExperimentalSqlDataset", "SaveDataset",
    "SaveDatasetV2", "LoadDataset", "DatasetToTFRecord", "ExperimentalDatasetToTFRecord", "SnapshotDataset",
    "SnapshotDatasetV2", "CreateSummaryFileWriter", "CreateSummaryDbWriter", "LoadAndRemapMatrix",
), "reads or writes files of the loading machine")
NETWORK_OPS = dict.fromkeys((
    "RpcClient", "RpcServer", "RpcServerStart", "RpcServerRegister", "RpcCall", "RpcCheckStatus", "RpcGetValue",
    "DataServiceDataset", "DataServiceDatasetV2", "DataServiceDatasetV3", "DataServiceDatasetV4",
    "RegisterDataset", "RegisterDatasetV2", "DebugIdentity", "DebugIdentityV2", "DebugIdentityV3",
    "DebugNanCount", "DebugNumericSummary", "DebugNumericSummaryV2", "GcsConfigureCredentials",
    "GcsConfigureBlockCache",
), "talks to other processes or the network")
DANGEROUS_OPS: dict[str, str] = {**FILE_OPS, **NETWORK_OPS, **PYTHON_OPS}
"""TensorFlow ops that reach outside the computation. The saver's own ops (SaveV2, RestoreV2,
MergeV2Checkpoints), which every SavedModel has, read and write its checkpoint and are not listed."""


def _nodes(graph: memoryview) -> Iterator[tuple[str, memoryview]]:
    """(where, NodeDef) for the graph's nodes and the nodes of every function in its library."""
    for node in submessages(graph, 1):
        yield "graph", node
    for library in submessages(graph, 2):
        for function in submessages(library, 1):
            name = next((strings(sig, 1)[0] for sig in submessages(function, 1) if strings(sig, 1)), "?")
            for node in submessages(function, 3):
                yield f"function {name}", node


def _op(node: memoryview) -> tuple[str, str]:
    name = op = ""
    for number, wire, value in fields(node):
        if wire == LEN and number == 1:
            name = text(value)  # type: ignore[arg-type]
        elif wire == LEN and number == 2:
            op = text(value)  # type: ignore[arg-type]
    return name, op


def _attr_string(node: memoryview, key: str) -> str | None:
    for name, value in map_entries(node, 5):
        if name == key:
            found = strings(value, 2)
            return found[0] if found else None
    return None


def check_saved_model(data: bytes, policy: Policy, member: str | None) -> list[Finding]:
    """Findings for a ``saved_model.pb``; raises WireError when the bytes are not a SavedModel at all."""
    buf = memoryview(data)
    metas = list(submessages(buf, 2))
    if not metas:
        raise WireError("no meta graph")
    findings: list[Finding] = []
    seen: Counter[str] = Counter()
    first: dict[str, str] = {}
    try:
        for meta in metas:
            for graph in submessages(meta, 2):
                _scan_graph(graph, seen, first)
            for objects in submessages(meta, 7):
                for node in submessages(objects, 1):
                    for user in submessages(node, 4):
                        identifier = strings(user, 1)
                        metadata = strings(user, 3)
                        if identifier and identifier[0].startswith("_tf_keras") and metadata and metadata[0]:
                            findings += _keras_json(metadata[0], policy, member)
    except WireError as exc:
        findings.append(Finding("tf-malformed", Verdict.SUSPICIOUS, f"the SavedModel cannot be read to the "
                                f"end ({exc}): TensorFlow would read it differently or refuse it", member))
    return findings + _op_findings(seen, first, member)


def check_graph_def(data: bytes, member: str | None) -> list[Finding]:
    """A frozen ``GraphDef`` (``tf.io.write_graph``, TF1 inference graphs); WireError when not one."""
    buf = memoryview(data)
    if any(number not in (1, 2, 3, 4, 5) for number, _, _ in fields(buf)) or not any(submessages(buf, 1)):
        raise WireError("not a GraphDef with nodes")
    seen: Counter[str] = Counter()
    first: dict[str, str] = {}
    _scan_graph(buf, seen, first)
    return _op_findings(seen, first, member)


def _scan_graph(graph: memoryview, seen: Counter[str], first: dict[str, str]) -> None:
    for where, node in _nodes(graph):
        name, op = _op(node)
        stream = _attr_string(node, "output_stream") if op == "PrintV2" else None
        if op in DANGEROUS_OPS or (stream or "").startswith("file://"):
            seen[op] += 1
            first.setdefault(op, f"node {name!r} in the {where}")


def _op_findings(seen: Counter[str], first: dict[str, str], member: str | None) -> list[Finding]:
    findings = []
    for op, count in seen.items():
        why = DANGEROUS_OPS.get(op, "prints to a file of the loading machine")
        findings.append(Finding("tf-dangerous-op", Verdict.UNSAFE, f"the graph uses {op} ({count} node"
                                f"{'s' if count > 1 else ''}, first {first[op]}): it {why} when the model runs",
                                member, None, op))
    return findings


def check_keras_metadata(data: bytes, policy: Policy, member: str | None) -> list[Finding]:
    """``keras_metadata.pb``: ``SavedMetadata { nodes: [SavedObject { metadata = 5 (JSON) }] }``."""
    findings: list[Finding] = []
    nodes = list(submessages(memoryview(data), 1))
    if not nodes:
        raise WireError("no Keras metadata nodes")
    for node in nodes:
        for metadata in strings(node, 5):
            findings += _keras_json(metadata, policy, member)
    return findings


def check_fingerprint(data: bytes) -> None:
    """``fingerprint.pb``: five 64-bit hashes and a version; only its wire format is checked."""
    if not data or any(number > 6 for number, _, _ in fields(memoryview(data))):
        raise WireError("not a SavedModel fingerprint")


def _keras_json(metadata: str, policy: Policy, member: str | None) -> list[Finding]:
    from secplan.model.scan.formats import keras

    try:
        config = json.loads(metadata)
    except ValueError:
        return [Finding("keras-malformed", Verdict.SUSPICIOUS, "Keras metadata that is not JSON", member)]
    return keras.check_config(config, policy, member) if isinstance(config, dict) else []
