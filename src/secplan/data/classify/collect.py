"""Feed the assessment: classify the project's datasets (sampled) once per run.

The result is :class:`~secplan.data.classify.evidence.ClassificationEvidence`. Encrypted files are never opened.
"""

from __future__ import annotations

from typing import Any

from secplan.assess.evidence import Evidence, collector
from secplan.data.classify.engine import ClassifyOptions, classify_dataset
from secplan.data.classify.evidence import DATA_CLASSIFICATION, ClassificationEvidence
from secplan.errors import InputError
from secplan.vocabulary import AssetKind, Classification

#: Rows sampled per dataset during an assessment (``secplan data classify --full`` reads all).
ASSESS_SAMPLE_ROWS = 5_000


@collector(DATA_CLASSIFICATION)
def collect_data_classification(ev: Evidence) -> ClassificationEvidence:
    options = ClassifyOptions(sample_rows=ASSESS_SAMPLE_ROWS,
                              overrides=dict(ev.plan.policy.classification.entity_overrides))
    levels: dict[str, str] = {}
    entities: dict[str, list[str]] = {}
    documents: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for project_file in ev.files_of(AssetKind.DATASET):
        if project_file.encrypted:
            continue
        try:
            result = classify_dataset(ev.root / project_file.path, options, display=project_file.path)
        except InputError as exc:
            errors[project_file.path] = exc.message.replace(str(ev.root) + "/", "")
            continue
        levels[result.path] = result.classification.value
        entities[result.path] = result.entity_types
        documents.append(result.to_dict())
    for asset in ev.plan.assets:
        rel = asset.path.strip("/")
        inside = [p for p in levels if p == rel or p.startswith(rel + "/")]
        if inside and rel not in levels:
            levels[rel] = max((Classification(levels[p]) for p in inside), key=lambda c: c.rank).value
            entities[rel] = sorted({e for p in inside for e in entities[p]})
    return ClassificationEvidence(levels, entities, documents, errors)
