"""The malicious corpus: one or more artifacts per public attack class, assembled as bytes.

Each entry is ``name -> (builder, expected verdicts, a rule that must be reported)``. Builders take
the target directory and return the file they wrote (ONNX and symlink cases need siblings).
"""

from __future__ import annotations

import os
import pickle
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from .corpus import (
    WRAPPERS,
    _Reduce,
    call_system,
    gguf_bytes,
    gguf_string,
    glob0,
    k3_layer,
    k3_sequential,
    keras_h5,
    keras_zip,
    legacy_torch,
    npy_object,
    onnx_model,
    safetensors_bytes,
    sevenzip_bytes,
    su,
    tar_bytes,
    torch_zip,
    zip_bytes,
)

UNSAFE = {"unsafe"}
BAD = {"unsafe", "suspicious"}
Builder = Callable[[Path], Path]
CMD = "id > /dev/null"


def _write(name: str, data: bytes) -> Builder:
    def build(root: Path) -> Path:
        (root / name).write_bytes(data)
        return root / name

    return build


def _memo_trick() -> bytes:
    # Module and name enter the memo as harmless-looking strings and come back by BINGET later.
    return (b"\x80\x04" + su("posix") + b"q\x01" + su("system") + b"q\x02" + b"0" + b"0"
            + b"h\x01h\x02\x93" + su(CMD) + b"\x85R.")


def _non_unicode_operands() -> bytes:
    # SHORT_BINSTRING (protocol 0 strings) decode to str for STACK_GLOBAL: scanners that only
    # look at unicode opcodes miss them.
    return b"\x80\x02U\x02osU\x06system\x93U\x02id\x85R."


def _bytes_operands() -> bytes:
    return b"\x80\x04C\x08builtinsC\x04eval\x93" + su("1") + b"\x85R."


def _broken_after_payload() -> bytes:
    return b"\x80\x02" + glob0("subprocess", "check_output") + su("id") + b"\x85R" + b"\xff" * 8


def _stacked() -> bytes:
    return pickle.dumps({"weights": [1.0, 2.0]}, protocol=2) + call_system(CMD)


def _getattr_trampoline() -> bytes:
    # getattr(importlib-free module object, "system")(cmd), resolved statically.
    return (b"\x80\x04" + su("builtins") + su("getattr") + b"\x93" + su("os") + su("environ") + b"\x93"
            + su("copy") + b"\x86R)R.")


def _indirect_call() -> bytes:
    # Call the result of a call: collections.OrderedDict() -> (...)() hides the real callee.
    return b"\x80\x04" + su("collections") + su("OrderedDict") + b"\x93)R)R."


def _dotted_name() -> bytes:
    # Protocol 4 resolves dotted names as attribute chains: torch.os.system is os.system.
    return b"\x80\x04" + su("torch") + su("os.system") + b"\x93" + su(CMD) + b"\x85R."


def _dunder_chain() -> bytes:
    return b"\x80\x04" + su("collections") + su("OrderedDict.__init__.__globals__") + b"\x93."


def _unlisted_callable() -> bytes:
    # Dangerous but on no denylist: allowlist-first design still stops it.
    return b"\x80\x04" + su("evil_plugin.hooks") + su("install") + b"\x93)R."


def _inst_opcode() -> bytes:
    return b"(S'" + CMD.encode() + b"'\nios\nsystem\n."


def _obj_opcode() -> bytes:
    return b"\x80\x02(" + glob0("subprocess", "Popen") + su("id") + b"o."


def _newobj_ex() -> bytes:
    return b"\x80\x04" + su("subprocess") + su("Popen") + b"\x93" + su("id") + b"\x85}\x92."


def _build_on_global() -> bytes:
    # BUILD applied to a module/class: monkey-patches it at load time.
    return b"\x80\x04" + su("collections") + su("OrderedDict") + b"\x93}" + su("x") + su("y") + b"sb."


def _extension_code() -> bytes:
    return b"\x80\x02\x82\x07)R."


def _reduce_pickled() -> bytes:
    return pickle.dumps(_Reduce(os.system, (CMD,)), protocol=5)


def _legacy_tar(root: Path) -> Path:
    storages = pickle.dumps(0, protocol=2)
    data = tar_bytes({"sys_info": pickle.dumps({"little_endian": True}, protocol=2),
                      "pickle": call_system(CMD), "storages": storages, "tensors": pickle.dumps(0, protocol=2)})
    (root / "legacy_tar.pt").write_bytes(data)
    return root / "legacy_tar.pt"


def _zip_tricks(flag: int = 0, crc: bool = False, rename: bool = False) -> bytes:
    data = bytearray(torch_zip(call_system(CMD)))
    name = b"archive/data.pkl"
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    if flag:
        struct.pack_into("<H", data, local + 6, flag)
        struct.pack_into("<H", data, central + 8, flag)
    if crc:
        struct.pack_into("<I", data, local + 14, 0xDEADBEEF)
        struct.pack_into("<I", data, central + 16, 0xDEADBEEF)
    if rename:
        at = data.find(name, local)
        data[at:at + len(name)] = b"archive/data.xyz"
    return bytes(data)


def _prepended_zip() -> bytes:
    return b"#!/bin/sh\necho not a zip\n" + torch_zip(call_system(CMD))


def _onnx_external(location: str) -> Builder:
    def build(root: Path) -> Path:
        import onnx

        d = root / f"onnx_{abs(hash(location)) % 10_000}"
        d.mkdir()
        onnx.save_model(onnx_model(external=location), str(d / "model.onnx"))
        return d / "model.onnx"

    return build


def _onnx_symlink(root: Path) -> Path:
    import onnx

    d = root / "onnx_link"
    d.mkdir()
    (root / "secret.bin").write_bytes(b"\x00" * 16)
    os.symlink(root / "secret.bin", d / "weights.bin")
    onnx.save_model(onnx_model(external="weights.bin"), str(d / "model.onnx"))
    return d / "model.onnx"


def _onnx_custom(root: Path) -> Path:
    import onnx

    onnx.save_model(onnx_model(domain="com.evil.ops"), str(root / "custom.onnx"))
    return root / "custom.onnx"


def _keras_nested_lambda() -> bytes:
    inner = k3_sequential([k3_layer("Dense", {"units": 2}),
                           k3_layer("Lambda", {"function": {"class_name": "__lambda__",
                                                            "config": {"code": "4wEAAAAA"}}})])
    outer = {"module": "keras.src.models.functional", "class_name": "Functional",
             "config": {"name": "f", "layers": [k3_layer("InputLayer"), inner]}, "registered_name": None}
    return keras_zip(outer)


def _keras_custom_module() -> bytes:
    return keras_zip(k3_sequential([k3_layer("Backdoor", module="evil_layers.core")]))


def _keras_h5_lambda(root: Path) -> Path:
    keras_h5(root / "lambda.h5", {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "TimeDistributed", "config": {"layer": {"class_name": "Lambda",
                                                               "config": {"function": ["4wEAAA", None, None]}}}}]}})
    return root / "lambda.h5"


def _gguf_template(template: str) -> bytes:
    return gguf_bytes([("general.architecture", 8, gguf_string("llama")),
                       ("tokenizer.chat_template", 8, gguf_string(template))])


MALICIOUS: dict[str, tuple[Builder, set[str], str]] = {
    "reduce_p0.pkl": (_write("reduce_p0.pkl", call_system(CMD, 0)), UNSAFE, "pickle-dangerous-global"),
    "reduce_p5.pkl": (_write("reduce_p5.pkl", _reduce_pickled()), UNSAFE, "pickle-dangerous-global"),
    "builtin_compat.pkl": (_write("builtin_compat.pkl", b"\x80\x02" + glob0("__builtin__", "eval") + su("1")
                                  + b"\x85R."), UNSAFE, "pickle-dangerous-global"),
    "memo_trick.pkl": (_write("memo_trick.pkl", _memo_trick()), UNSAFE, "pickle-dangerous-global"),
    "non_unicode.pkl": (_write("non_unicode.pkl", _non_unicode_operands()), UNSAFE, "pickle-dangerous-global"),
    "bytes_operands.pkl": (_write("bytes_operands.pkl", _bytes_operands()), UNSAFE, "pickle-nonstring-global"),
    "broken_after.pkl": (_write("broken_after.pkl", _broken_after_payload()), UNSAFE, "pickle-malformed"),
    "stacked.pkl": (_write("stacked.pkl", _stacked()), UNSAFE, "pickle-stacked"),
    "getattr.pkl": (_write("getattr.pkl", _getattr_trampoline()), UNSAFE, "pickle-dangerous-global"),
    "indirect.pkl": (_write("indirect.pkl", _indirect_call()), UNSAFE, "pickle-indirect-call"),
    "dotted.pkl": (_write("dotted.pkl", _dotted_name()), UNSAFE, "pickle-dangerous-global"),
    "dunder.pkl": (_write("dunder.pkl", _dunder_chain()), UNSAFE, "pickle-dangerous-global"),
    "unlisted.pkl": (_write("unlisted.pkl", _unlisted_callable()), BAD, "pickle-unknown-global"),
    "runstring.pkl": (_write("runstring.pkl", b"\x80\x04" + su("numpy.testing._private.utils") + su("runstring")
                             + b"\x93."), UNSAFE, "pickle-dangerous-global"),
    "inst.pkl": (_write("inst.pkl", _inst_opcode()), UNSAFE, "pickle-dangerous-global"),
    "obj.pkl": (_write("obj.pkl", _obj_opcode()), UNSAFE, "pickle-dangerous-global"),
    "newobj_ex.pkl": (_write("newobj_ex.pkl", _newobj_ex()), UNSAFE, "pickle-dangerous-global"),
    "build_global.pkl": (_write("build_global.pkl", _build_on_global()), UNSAFE, "pickle-mutates-global"),
    "extension.pkl": (_write("extension.pkl", _extension_code()), BAD, "pickle-extension-code"),
    "torch_zip.pt": (_write("torch_zip.pt", torch_zip(call_system(CMD))), UNSAFE, "pickle-dangerous-global"),
    "torch_other_member.pt": (_write("torch_other_member.pt", torch_zip(
        pickle.dumps({}, protocol=2), {"archive/constants.pkl": call_system(CMD)})), UNSAFE,
        "pickle-dangerous-global"),
    "torch_legacy.pt": (_write("torch_legacy.pt", legacy_torch(call_system(CMD))), UNSAFE,
                        "pickle-dangerous-global"),
    "torch_legacy_tar.pt": (_legacy_tar, UNSAFE, "pickle-dangerous-global"),
    "zip_flag.pt": (_write("zip_flag.pt", _zip_tricks(flag=0x1)), UNSAFE, "zip-encrypted-flag"),
    "zip_crc.pt": (_write("zip_crc.pt", _zip_tricks(crc=True)), UNSAFE, "zip-crc-mismatch"),
    "zip_name.pt": (_write("zip_name.pt", _zip_tricks(rename=True)), UNSAFE, "zip-name-mismatch"),
    "zip_prepended.pt": (_write("zip_prepended.pt", _prepended_zip()), UNSAFE, "pickle-dangerous-global"),
    "zip_deflated.zip": (_write("zip_deflated.zip", zip_bytes({"m.bin": call_system(CMD)}, zipfile.ZIP_DEFLATED)),
                         UNSAFE, "pickle-dangerous-global"),
    "nested.tar": (_write("nested.tar", tar_bytes({"inner.zip": zip_bytes({"x/data.pkl": call_system(CMD)})})),
                   UNSAFE, "pickle-dangerous-global"),
    "npy_object.npy": (_write("npy_object.npy", npy_object(call_system(CMD))), UNSAFE, "pickle-dangerous-global"),
    "npz_object.npz": (_write("npz_object.npz", zip_bytes({"a.npy": npy_object(call_system(CMD))})), UNSAFE,
                       "pickle-dangerous-global"),
    "keras_lambda.keras": (_write("keras_lambda.keras", _keras_nested_lambda()), UNSAFE, "keras-lambda"),
    "keras_custom.keras": (_write("keras_custom.keras", _keras_custom_module()), BAD, "keras-custom-object"),
    "keras_lambda.h5": (_keras_h5_lambda, UNSAFE, "keras-lambda"),
    "onnx_parent.onnx": (_onnx_external("../../etc/passwd"), UNSAFE, "onnx-external-data-outside"),
    "onnx_absolute.onnx": (_onnx_external("/etc/shadow"), UNSAFE, "onnx-external-data-outside"),
    "onnx_symlink.onnx": (_onnx_symlink, UNSAFE, "onnx-external-data-outside"),
    "onnx_custom.onnx": (_onnx_custom, BAD, "onnx-custom-op-domain"),
    "gguf_globals.gguf": (_write("gguf_globals.gguf", _gguf_template(
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}")), UNSAFE, "gguf-template-injection"),
    "gguf_attr_filter.gguf": (_write("gguf_attr_filter.gguf", _gguf_template(
        "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}")), UNSAFE, "gguf-template-injection"),
    "gguf_lengths.gguf": (_write("gguf_lengths.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 1)
                                 + struct.pack("<Q", 1 << 40)), BAD, "gguf-malformed"),
    "st_length.safetensors": (_write("st_length.safetensors", safetensors_bytes({}, b"", length=1 << 40)), BAD,
                              "safetensors-malformed"),
    "st_overlap.safetensors": (_write("st_overlap.safetensors", safetensors_bytes(
        {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
         "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, b"\x00" * 12)), BAD,
        "safetensors-malformed"),
    "st_bounds.safetensors": (_write("st_bounds.safetensors", safetensors_bytes(
        {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, b"\x00" * 8)), BAD, "safetensors-malformed"),
    "st_dtype.safetensors": (_write("st_dtype.safetensors", safetensors_bytes(
        {"a": {"dtype": "OBJECT", "shape": [1], "data_offsets": [0, 8]}}, b"\x00" * 8)), BAD,
        "safetensors-malformed"),
    "st_trailing.safetensors": (_write("st_trailing.safetensors", safetensors_bytes(
        {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\x00" * 4 + call_system(CMD))), BAD,
        "safetensors-malformed"),
    "st_metadata.safetensors": (_write("st_metadata.safetensors", safetensors_bytes(
        {"__metadata__": {"x": 1}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\x00" * 4)),
        BAD, "safetensors-malformed"),
    "st_duplicate.safetensors": (_write("st_duplicate.safetensors", safetensors_bytes(
        b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, '
        b'"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', b"\x00" * 4)), BAD,
        "safetensors-malformed"),
}
for _kind, _compress in WRAPPERS.items():
    MALICIOUS[f"wrapped.{_kind}"] = (_write(f"wrapped.{_kind}", _compress(call_system(CMD))), UNSAFE,
                                     "pickle-dangerous-global")


def _joblib_object_array() -> bytes:
    import io

    import joblib
    import numpy as np

    buf = io.BytesIO()
    joblib.dump({"w": np.arange(6.0), "o": np.array([_Reduce(os.system, (CMD,)), 1], dtype=object)}, buf)
    return buf.getvalue()


MALICIOUS["joblib_object.joblib"] = (lambda root: _write("joblib_object.joblib", _joblib_object_array())(root),
                                     UNSAFE, "pickle-dangerous-global")
MALICIOUS["archive.7z"] = (lambda root: _write("archive.7z", sevenzip_bytes({"m.pkl": call_system(CMD)},
                                                                             root))(root), UNSAFE,
                           "pickle-dangerous-global")
MALICIOUS["joblib_zlib.joblib"] = (_write("joblib_zlib.joblib", WRAPPERS["zlib"](_reduce_pickled())), UNSAFE,
                                   "pickle-dangerous-global")
