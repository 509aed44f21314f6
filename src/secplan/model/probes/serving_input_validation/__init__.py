"""Serving code validates model inputs (MS-2)."""

import re
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.files import read_text
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.vocabulary import AssetKind

NEEDS = ()

SERVING = re.compile(r"^\s*(?:from|import)\s+(fastapi|flask|bentoml|gradio|ray\.serve|ray\s+import\s+serve|litserve)\b", re.M)
PREDICT = re.compile(r"\.(predict|predict_proba|forward|generate|__call__)\s*\(")
SCHEMA = re.compile(r"\b(BaseModel|pydantic|marshmallow|jsonschema|Schema\(|conlist|Field\(|validate\()")


def run(ev: Evidence) -> Iterator[Result]:
    found = False
    for f in ev.files_of(AssetKind.CODE):
        if not f.path.endswith(".py"):
            continue
        text = read_text(ev.root / f.path)
        if not text or not SERVING.search(text):
            continue
        predict = PREDICT.search(text)
        if not predict:
            continue
        found = True
        line = text.count("\n", 0, predict.start()) + 1
        if SCHEMA.search(text):
            yield positive("serving code declares an input schema", Location(f.path))
        else:
            yield negative("serving code passes requests to the model without input validation",
                           Location(f.path, line), key=f.path)
    if not found:
        yield not_applicable("no model serving code in the project")
