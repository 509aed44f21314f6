"""TensorFlow files written by hand from TensorFlow's ``.proto`` and TFLite's ``schema.fbs``
definitions (TensorFlow is not installed, and is never imported by the scanner either).

Protobuf wire format: each field is a varint key (number << 3 | wire type) then a varint or a
length-delimited value. Field numbers: SavedModel.meta_graphs 2; MetaGraphDef.meta_info_def 1,
graph_def 2, object_graph_def 7; MetaInfoDef.tags 4; GraphDef.node 1, library 2;
FunctionDefLibrary.function 1; FunctionDef.signature 1, node_def 3; OpDef.name 1; NodeDef.name 1,
op 2, input 3, attr 5 (map entries key 1, value 2); AttrValue.s 2; SavedObjectGraph.nodes 1;
SavedObject.user_object 4; SavedUserObject.identifier 1, metadata 3; Keras SavedMetadata.nodes 1,
SavedObject.node_id 2, node_path 3, identifier 4, metadata 5.
"""

from __future__ import annotations

import json


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, value: int | bytes | str) -> bytes:
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    raw = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(raw)) + raw


def node(name: str, op: str, *inputs: str, attrs: dict[str, bytes] | None = None) -> bytes:
    entries = b"".join(field(5, field(1, k) + field(2, v)) for k, v in (attrs or {}).items())
    return field(1, name) + field(2, op) + b"".join(field(3, i) for i in inputs) + entries


def function(name: str, *nodes: bytes) -> bytes:
    return field(1, field(1, name)) + b"".join(field(3, n) for n in nodes)


SAVER = [node("saver_filename", "Placeholder"), node("StringJoin", "StringJoin", "saver_filename"),
         node("ShardedFilename", "ShardedFilename", "StringJoin"),
         node("SaveV2", "SaveV2", "ShardedFilename"), node("MergeV2Checkpoints", "MergeV2Checkpoints"),
         node("RestoreV2", "RestoreV2", "saver_filename")]
"""The checkpoint ops every SavedModel's saver has."""


def saved_model(graph_nodes: list[bytes] | None = None, functions: list[bytes] | None = None,
                keras_objects: list[dict] | None = None) -> bytes:
    """A SavedModel: one meta graph tagged ``serve`` with a dense layer's ops, the saver, a function
    library and an object graph (Keras user objects carry their metadata JSON)."""
    dense = [node("x", "Placeholder"), node("kernel", "VarHandleOp"), node("read", "ReadVariableOp", "kernel"),
             node("MatMul", "MatMul", "x", "read"), node("Relu", "Relu", "MatMul"),
             node("call", "StatefulPartitionedCall", "x", attrs={"f": field(10, field(1, "__inference_call_7"))})]
    library = [function("__inference_call_7", node("MatMul", "MatMul"), node("BiasAdd", "BiasAdd")),
               *(functions or [])]
    graph = b"".join(field(1, n) for n in dense + SAVER + (graph_nodes or []))
    graph += field(2, b"".join(field(1, f) for f in library))
    objects = b"".join(field(1, field(4, field(1, "_tf_keras_layer") + field(3, json.dumps(meta)))) for meta in
                       keras_objects or [])
    objects += field(1, field(4, field(1, "_generic_user_object")))
    meta = field(1, field(4, "serve") + field(5, "2.16.1")) + field(2, graph) + field(7, objects)
    return field(1, 1) + field(2, meta)


def keras_metadata(layers: list[dict]) -> bytes:
    return b"".join(field(1, field(2, i) + field(3, f"root.layer-{i}") + field(4, "_tf_keras_layer")
                          + field(5, json.dumps(layer))) for i, layer in enumerate(layers))


def fingerprint() -> bytes:
    return b"".join(field(n, 0x1234567890ABCDEF >> n) for n in range(1, 6)) + field(6, field(1, 1))


DENSE = {"class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "relu"}}
LAMBDA = {"class_name": "Lambda", "config": {"name": "lambda", "function": {
    "class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAdABqAXwAgwFTACkBTikC"}}}}


def tflite(custom: list[str] | None = None, builtins: tuple[int, ...] = (0, 9, 25)) -> bytes:
    """A TFLite model with one operator code per builtin (ADD 0, FULLY_CONNECTED 9, SOFTMAX 25) and
    one CUSTOM (32) per custom name, ``TFL3`` as the file identifier."""
    import flatbuffers

    b = flatbuffers.Builder(256)
    codes = []
    for name in custom or []:
        text = b.CreateString(name)
        b.StartObject(4)
        b.PrependUOffsetTRelativeSlot(1, text, 0)
        b.PrependInt8Slot(0, 32, 0)
        b.PrependInt32Slot(3, 32, 0)
        codes.append(b.EndObject())
    for code in builtins:
        b.StartObject(4)
        b.PrependInt8Slot(0, code, 0)
        b.PrependInt32Slot(3, code, 0)
        b.PrependInt32Slot(2, 1, 1)
        codes.append(b.EndObject())
    b.StartVector(4, len(codes), 4)
    for code in reversed(codes):
        b.PrependUOffsetTRelative(code)
    vector = b.EndVector()
    description = b.CreateString("hand-built")
    b.StartObject(8)
    b.PrependUint32Slot(0, 3, 0)
    b.PrependUOffsetTRelativeSlot(1, vector, 0)
    b.PrependUOffsetTRelativeSlot(3, description, 0)
    b.Finish(b.EndObject(), file_identifier=b"TFL3")
    return bytes(b.Output())


def catboost_cbm(format_version: str = "FlabuffersModel_v1") -> bytes:
    """A ``.cbm``: ``CBM1``, the core's size (uint32), the ``TModelCore`` flatbuffer (format version,
    an empty trees table, an info map of key/value strings, no extra parts)."""
    import flatbuffers

    b = flatbuffers.Builder(256)
    version = b.CreateString(format_version)
    key, value = b.CreateString("params"), b.CreateString('{"loss_function": "Logloss"}')
    b.StartObject(2)
    b.PrependUOffsetTRelativeSlot(0, key, 0)
    b.PrependUOffsetTRelativeSlot(1, value, 0)
    pair = b.EndObject()
    b.StartVector(4, 1, 4)
    b.PrependUOffsetTRelative(pair)
    info = b.EndVector()
    b.StartObject(1)
    trees = b.EndObject()
    b.StartObject(4)
    b.PrependUOffsetTRelativeSlot(0, version, 0)
    b.PrependUOffsetTRelativeSlot(1, trees, 0)
    b.PrependUOffsetTRelativeSlot(2, info, 0)
    b.Finish(b.EndObject())
    core = bytes(b.Output())
    return b"CBM1" + len(core).to_bytes(4, "little") + core
