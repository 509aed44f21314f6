"""Each model has a model card (MS-3)."""

from collections.abc import Iterator
from pathlib import PurePosixPath

from secplan.assess.evidence import Evidence
from secplan.assess.files import read_text
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.vocabulary import AssetKind

NEEDS = ()

CARD_NAMES = {"model_card.md", "model-card.md", "modelcard.md", "model_card.json", "model_card.html"}
README_MARKERS = ("model card", "intended use")


def _card_in(ev: Evidence, folder: str) -> str | None:
    prefix = "" if folder in ("", ".") else folder + "/"
    for f in ev.files:
        if not f.path.startswith(prefix) or "/" in f.path[len(prefix):]:
            continue
        name = f.path[len(prefix):].lower()
        if name in CARD_NAMES:
            return f.path
        if name == "readme.md":
            headings = [line.lower() for line in (read_text(ev.root / f.path) or "").splitlines()
                        if line.startswith("#")]
            if any(marker in heading for heading in headings for marker in README_MARKERS):
                return f.path
    return None


def run(ev: Evidence) -> Iterator[Result]:
    folders = sorted({str(PurePosixPath(a.path).parent) for a in ev.assets_of(AssetKind.MODEL) if a.exists})
    if not folders:
        yield not_applicable("the project has no model artifacts")
        return
    for folder in folders:
        card = _card_in(ev, folder) or _card_in(ev, "")
        shown = folder if folder != "." else "(project root)"
        if card:
            yield positive(f"model card {card} covers {shown}", Location(card))
        else:
            yield negative(f"no model card for the models in {shown}", Location(folder), key=folder)
