"""Every format the scanner analyses, registered in one place (:data:`ANALYZERS`), keyed by the
format names :func:`secplan.filetypes.guess_format` returns.

Each analyser reads one stream and reports findings to the walk; the heavy parsers (onnx, h5py,
py7zr) are imported by the analyser that needs them, when it first runs. Containers are in
:mod:`.containers`.
"""

from __future__ import annotations

import io
import json

from secplan.filetypes import Guess, named_format
from secplan.model.scan import containers, native
from secplan.model.scan.interface import Analyzer, NotThisFormat, Stream, Walk, join
from secplan.model.scan.pickle_vm import NUMPY_WRAPPER, TORCH_LEGACY_MAGIC, PickleMachine, PickleOutcome
from secplan.model.scan.result import Verdict
from secplan.model.scan.spool import on_disk, random_access
from secplan.model.scan.stream import Reader, ScanLimit

_REJECTIONS = {"pickle-malformed", "pickle-truncated"}


def pickle(scan: Walk, stream: Stream, guess: Guess) -> str:
    machine = PickleMachine(scan.options.policy, member=stream.member, limits=scan.options.limits)
    out = machine.scan(Reader(stream.handle))
    if not guess.confident and stream.whole and _rejected_outright(out):
        first = out.findings[0]
        raise NotThisFormat(f"named like a pickle, but a pickle loader rejects it at byte {first.offset} "
                            f"before importing or calling anything: {first.message}")
    scan.extend(out.findings)
    scan.code_on_load = True
    if out.values and out.values[0] == TORCH_LEGACY_MAGIC:
        return "pytorch-legacy"
    if NUMPY_WRAPPER in out.globals:
        return "joblib"
    return "pickle"


def _rejected_outright(out: PickleOutcome) -> bool:
    """The machine stopped before one pickle was complete, having imported and called nothing: a real
    unpickler fails at the same byte, so the data is not a pickle rather than a broken one."""
    return out.pickles == 0 and not out.globals and bool(out.findings) and all(
        f.rule in _REJECTIONS for f in out.findings)


def numpy(scan: Walk, stream: Stream, guess: Guess) -> str:
    from secplan.model.scan.formats import numpy_npy

    reader = Reader(stream.handle)
    findings, pickled = numpy_npy.check(reader, stream.member)
    scan.extend(findings)
    if pickled:
        scan.code_on_load = True
        machine = PickleMachine(scan.options.policy, member=stream.member, limits=scan.options.limits)
        scan.extend(machine.scan(reader).findings)
    return "numpy"


def hdf5(scan: Walk, stream: Stream, guess: Guess) -> str:
    from secplan.model.scan.formats import hdf5, keras

    with on_disk(stream.handle, stream.real_path, scan.options.max_decompressed) as path:
        try:
            attrs = hdf5.read_attrs(str(path))
        except (RuntimeError, ValueError) as exc:
            scan.add("hdf5-malformed", Verdict.ERROR, str(exc), stream.member)
            return "hdf5"
    configs = {k: attrs[k] for k in ("model_config", "training_config") if k in attrs}
    for key, text in configs.items():
        try:
            config = json.loads(text)
        except ValueError:
            scan.add("keras-malformed", Verdict.SUSPICIOUS, f"{key} attribute is not JSON", stream.member)
            continue
        scan.extend(keras.check_config(config, scan.options.policy, join(stream.member, key)))
    return "keras-h5" if configs else "hdf5"


def gguf(scan: Walk, stream: Stream, guess: Guess) -> str:
    from secplan.model.scan.formats import gguf

    size = stream.size if stream.size is not None else 1 << 62
    scan.extend(gguf.scan(Reader(stream.handle), size, stream.member))
    return "gguf"


def safetensors(scan: Walk, stream: Stream, guess: Guess) -> str:
    from secplan.model.scan.formats import safetensors

    if stream.size is None:
        with random_access(stream.handle, scan.options.max_decompressed) as seekable:
            size = seekable.seek(0, io.SEEK_END)
            seekable.seek(0)
            scan.extend(safetensors.scan(seekable, size, stream.member))
        return "safetensors"
    scan.extend(safetensors.scan(stream.handle, stream.size, stream.member))
    return "safetensors"


def keras_json(scan: Walk, stream: Stream, guess: Guess) -> str:
    from secplan.model.scan.formats import keras

    try:
        config = json.loads(stream.handle.read(64 << 20))
    except (ValueError, RecursionError):
        raise NotThisFormat("starts like JSON, but is not valid JSON") from None
    if not (isinstance(config, dict) and ("class_name" in config or "config" in config)):
        if stream.whole:
            raise NotThisFormat("JSON, but not a Keras model config")
        return "json"
    scan.extend(keras.check_config(config, scan.options.policy, stream.member))
    return "keras-config"


def onnx(scan: Walk, stream: Stream, guess: Guess) -> str:
    from secplan.model.scan.formats import onnx_model

    # Protobuf has no magic number: only a name that says ONNX justifies holding a large file.
    named = named_format(stream.name) == "onnx"
    cap = onnx_model.MAX_SIZE if named else onnx_model.MAX_GUESS
    too_large: Exception = NotThisFormat(f"starts like a protobuf, but is larger than the {cap} bytes tried as ONNX")
    if named:  # a model past the parser's bound is not fully scanned
        too_large = ScanLimit(f"an ONNX model larger than the {cap} bytes parsed")
    if stream.size is not None and stream.size > cap:
        raise too_large
    data = stream.handle.read(cap + 1)
    if len(data) > cap:
        raise too_large
    model = onnx_model.parse(data)
    if model is None:
        raise NotThisFormat("starts like a protobuf, but is not an ONNX model")
    model_dir = scan.model_dir if stream.member is None else None
    findings = onnx_model.check(model, model_dir, scan.options.policy, stream.member)
    scan.extend(findings)
    if model_dir is not None and not any(f.verdict is Verdict.UNSAFE for f in findings):
        scan.reads_external_data(sorted({str(model_dir / loc) for loc in onnx_model.external_locations(model)}))
    return "onnx"


ANALYZERS: dict[str, Analyzer] = {
    "pickle": pickle, "numpy": numpy, "hdf5": hdf5, "gguf": gguf, "safetensors": safetensors,
    "json": keras_json, "onnx": onnx, "tflite": native.tflite, "catboost": native.catboost,
    "lightgbm": native.lightgbm, "lightgbm-dataset": native.lightgbm,
    **dict.fromkeys(("tf-savedmodel", "tf-keras-metadata", "tf-fingerprint", "tf-graphdef"), native.savedmodel),
    "zip": containers.zip_archive, "tar": containers.tar_archive, "7z": containers.sevenzip_archive,
    **{kind: containers.compressed for kind in containers.COMPRESSIONS},
}
"""Format name (from :func:`secplan.filetypes.guess_format`) -> its analyser."""
