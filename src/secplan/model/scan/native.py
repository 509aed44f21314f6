"""Analysers for the formats whose libraries are not Python pickles: TensorFlow SavedModel files,
TensorFlow Lite, LightGBM and CatBoost models. Registered in :data:`~.analyzers.ANALYZERS`.

Each reads the stream (bounded by the format's size cap) and hands the bytes to its parser in
:mod:`.formats`; a file only named like one of them whose bytes are not is :class:`NotThisFormat`.
"""

from __future__ import annotations

from secplan.filetypes import Guess
from secplan.model.scan.interface import NotThisFormat, Stream, Walk
from secplan.model.scan.stream import ScanLimit


def _read(stream: Stream, cap: int, what: str) -> bytes:
    if stream.size is not None and stream.size > cap:
        raise ScanLimit(f"{what} larger than the {cap} bytes analysed")
    data = stream.handle.read(cap + 1)
    if len(data) > cap:
        raise ScanLimit(f"{what} larger than the {cap} bytes analysed")
    return data


def savedmodel(scan: Walk, stream: Stream, guess: Guess) -> str:
    from secplan.model.scan.formats import savedmodel as sm
    from secplan.model.scan.formats.protowire import WireError

    data = _read(stream, sm.MAX_SIZE, "a SavedModel")
    try:
        if guess.format == "tf-savedmodel":
            scan.extend(sm.check_saved_model(data, scan.options.policy, stream.member))
            return "tf-savedmodel"
        if guess.format == "tf-keras-metadata":
            scan.extend(sm.check_keras_metadata(data, scan.options.policy, stream.member))
            return "tf-keras-metadata"
        if guess.format == "tf-graphdef":
            scan.extend(sm.check_graph_def(data, stream.member))
            return "tf-graphdef"
        sm.check_fingerprint(data)
        return "tf-fingerprint"
    except WireError as exc:
        raise NotThisFormat(f"named like a TensorFlow file, but not one: {exc}") from None


def tflite(scan: Walk, stream: Stream, guess: Guess) -> str:
    from secplan.model.scan.formats import tflite as tfl

    scan.extend(tfl.check(_read(stream, tfl.MAX_SIZE, "a TFLite model"), stream.member))
    return "tflite"


def lightgbm(scan: Walk, stream: Stream, guess: Guess) -> str:
    from secplan.model.scan.formats import gbdt

    if guess.format == "lightgbm-dataset":
        return "lightgbm-dataset"  # binned feature values and labels: no model, no code
    scan.extend(gbdt.check_lightgbm(_read(stream, gbdt.MAX_SIZE, "a LightGBM model"), stream.member))
    return "lightgbm"


def catboost(scan: Walk, stream: Stream, guess: Guess) -> str:
    from secplan.model.scan.formats import gbdt

    scan.extend(gbdt.check_catboost(_read(stream, gbdt.MAX_SIZE, "a CatBoost model"), stream.member))
    return "catboost"
