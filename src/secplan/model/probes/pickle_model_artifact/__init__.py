"""Model artifacts are in formats that do not execute code on load (MS-6)."""

from collections.abc import Iterator
from pathlib import PurePosixPath

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.filetypes import DATA_ONLY_MODEL_SUFFIXES, MODEL_SUFFIXES, PICKLE_BASED_SUFFIXES
from secplan.vocabulary import AssetKind

NEEDS = ()

SAFE_MAGIC = {"safetensors", "gguf", "secplan-encrypted"}


def run(ev: Evidence) -> Iterator[Result]:
    models = [a for a in ev.assets_of(AssetKind.MODEL, AssetKind.ENCRYPTED) if a.exists]
    if not models:
        yield not_applicable("the project has no model artifacts")
        return
    for model in models:
        suffix = PurePosixPath(model.path).suffix.lower()
        where = Location(model.path)
        if model.encrypted:
            if PurePosixPath(model.path.removesuffix(".enc")).suffix.lower() not in MODEL_SUFFIXES:
                continue  # an encrypted dataset, not a model
            yield positive("encrypted at rest; scan the decrypted artifact before loading it", where)
        elif model.magic == "pickle" or suffix in PICKLE_BASED_SUFFIXES:
            yield negative(f"pickle-based model artifact ({suffix or model.magic}) executes code when loaded",
                           where, key=model.path)
        elif suffix in DATA_ONLY_MODEL_SUFFIXES or model.magic in SAFE_MAGIC:
            yield positive(f"stored in a data-only format ({suffix or model.magic})", where)
