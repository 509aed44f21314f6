"""Every model artifact has recorded provenance (MS-1)."""

from collections.abc import Iterator
from pathlib import PurePosixPath

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.model.registry.evidence import MODEL_REGISTRY
from secplan.vocabulary import AssetKind

NEEDS = ()
OPTIONAL = (MODEL_REGISTRY,)
"""With the registry installed, its own probes judge registration and signatures."""

MANIFEST_NAMES = ("MANIFEST.json", "manifest.json", "model.sig", "model.sigstore", "model.sigstore.json")


def _has_manifest(ev: Evidence, rel: str) -> bool:
    path = PurePosixPath(rel)
    siblings = [f"{rel}.sha256", f"{rel}.sig", f"{rel}.sigstore.json"]
    siblings += [str(path.parent / name) for name in MANIFEST_NAMES]
    present = {f.path for f in ev.files}
    return any(s.removeprefix("./") in present for s in siblings)


def run(ev: Evidence) -> Iterator[Result]:
    models = [a for a in ev.assets_of(AssetKind.MODEL) if a.exists]
    if not models:
        yield not_applicable("the project has no model artifacts")
        return
    if ev.provides(MODEL_REGISTRY):
        return
    for model in models:
        if _has_manifest(ev, model.path):
            yield positive("a digest manifest or signature is kept with the artifact", Location(model.path))
        else:
            yield negative("model artifact has no recorded digest, lineage or signature", Location(model.path),
                           key=model.path)
