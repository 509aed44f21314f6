"""Training data has no mass of duplicate rows (DS-7)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, not_applicable, positive
from secplan.filetypes import table_format
from secplan.vocabulary import AssetKind

NEEDS = ()

MAX_BYTES = 200 * 1024 * 1024
MAX_DUPLICATE_SHARE = 0.01


def duplicate_share(path) -> tuple[int, int]:
    """(rows, duplicate rows) of a tabular file, hashing whole rows with pandas (vectorised)."""
    import pandas as pd

    if table_format(path.name) == "parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, sep="\t" if table_format(path.name) == "tsv" else ",", low_memory=False)
    if frame.empty:
        return 0, 0
    hashes = pd.util.hash_pandas_object(frame, index=False)
    return len(frame), int(hashes.duplicated().sum())


def run(ev: Evidence) -> Iterator[Result]:
    datasets = [a for a in ev.assets_of(AssetKind.DATASET) if a.exists]
    if not datasets:
        yield not_applicable("the project has no readable datasets")
        return
    declared = [a for a in datasets if "training" in a.uses]
    for asset in declared or datasets:
        path = ev.root / asset.path
        if not path.is_file() or table_format(path.name) not in ("csv", "tsv", "parquet"):
            continue
        if asset.size > MAX_BYTES:
            yield no_evidence(f"{asset.path} is too large for this probe; validate it with `secplan data validate`")
            continue
        try:
            rows, dupes = duplicate_share(path)
        except Exception as exc:  # unreadable data is a finding of its own, not a crash
            yield negative(f"training data could not be read ({type(exc).__name__})", Location(asset.path),
                           key=f"unreadable|{asset.path}")
            continue
        share = dupes / rows if rows else 0.0
        details = {"rows": rows, "duplicates": dupes}
        if share > MAX_DUPLICATE_SHARE:
            yield negative(f"{dupes} of {rows} rows are exact duplicates ({share:.1%})", Location(asset.path),
                           key=asset.path, details=details)
        else:
            yield positive(f"{dupes} duplicate rows of {rows}", Location(asset.path), details=details)
