"""Feed the assessment (DS-7): validate each training dataset against its baseline profile.

Conventions: the baseline of ``data/train.csv`` is ``data/train.csv.profile.json`` (or
``.secplan/profiles/data/train.csv.json``); optional rules are ``data/train.csv.rules.yaml``.
The cross-validated label-noise check is left to ``secplan data validate`` (it trains models);
every other check runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from secplan.assess.evidence import collector
from secplan.data.validate.evidence import DATA_VALIDATION, DatasetValidation, ValidationEvidence
from secplan.errors import SecplanError
from secplan.vocabulary import AssetKind

if TYPE_CHECKING:
    from secplan.assess.evidence import Evidence

PROFILE_SUFFIX = ".profile.json"
RULES_SUFFIX = ".rules.yaml"
#: Datasets larger than this are not validated during an assessment (run the command instead).
MAX_BYTES = 512 * 1024 * 1024


def baseline_for(root: Path, dataset: str) -> Path | None:
    rel = dataset.strip("/")
    for candidate in (root / (rel + PROFILE_SUFFIX), root / ".secplan" / "profiles" / (rel + ".json")):
        if candidate.is_file():
            return candidate
    return None


@collector(DATA_VALIDATION)
def collect(ev: Evidence) -> ValidationEvidence:
    """Validation results of every declared training dataset, keyed by its path."""
    from secplan.data.validate.engine import validate_path

    results: dict[str, DatasetValidation] = {}
    for asset in ev.assets_of(AssetKind.DATASET, AssetKind.ENCRYPTED):
        if "training" not in asset.uses or not asset.exists:
            continue
        base = baseline_for(ev.root, asset.path)
        entry = DatasetValidation(asset.path, base.relative_to(ev.root).as_posix() if base else None)
        results[asset.path] = entry
        data = ev.root / asset.path
        if base is None:
            continue
        if asset.encrypted:
            entry.skipped = "the dataset is encrypted"
        elif not data.is_file():
            entry.skipped = "the dataset is a folder (validate its files with `secplan data validate`)"
        elif asset.size > MAX_BYTES:
            entry.skipped = f"the dataset is larger than {MAX_BYTES >> 20} MiB"
        else:
            rules = ev.root / (asset.path + RULES_SUFFIX)
            try:
                report = validate_path(data, baseline=base, rules=rules if rules.is_file() else None,
                                       label_noise=False)
                entry.findings = report.findings
            except SecplanError as exc:
                entry.error = exc.message
    return ValidationEvidence(results)
