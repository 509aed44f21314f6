"""Where a dataset's anonymisation policy lives, by convention: beside it, as
``<dataset>.anonymize.yaml`` (``data/patients.csv`` -> ``data/patients.csv.anonymize.yaml``), or under
``.secplan/policies/<dataset>.anonymize.yaml``. Beside the data is preferred: it is reviewed and
versioned with it."""

from __future__ import annotations

from pathlib import Path

POLICY_SUFFIX = ".anonymize.yaml"


def policy_for(root: Path, dataset: str) -> Path | None:
    """The first existing policy file for the dataset at ``dataset`` (relative to ``root``), or ``None``."""
    rel = dataset.strip("/")
    for candidate in (root / (rel + POLICY_SUFFIX), root / ".secplan" / "policies" / (rel + POLICY_SUFFIX)):
        if candidate.is_file():
            return candidate
    return None
