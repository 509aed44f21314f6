"""The served input profile: what a valid request looks like, from the model's training data.

The DS-7 profile is built from the dataset named in the version's lineage (``model register
--dataset``) after its files are checked against the registered digest, or read from ``--profile``.
It is cut down to the model's own input features, so validation, the out-of-distribution score and
drift all judge exactly what reaches the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from secplan.errors import InputError, IntegrityError

if TYPE_CHECKING:
    from secplan.data.validate.profile import Profile
    from secplan.model.registry.versions import ModelVersion

#: Column names read as the label when the model does not name its features.
LABEL_NAMES = ("label", "target", "y", "class", "outcome")


@dataclass(frozen=True)
class Inputs:
    """The features a request carries, in the model's order, and their training profile."""

    features: tuple[str, ...]
    profile: Profile
    source: str
    """Where the profile came from: ``dataset NAME@VERSION`` or the profile file."""


def _label(columns: list[str], features: list[str] | None, given: str | None) -> str | None:
    if given is not None and given in columns:
        return given
    if features is not None:
        rest = [c for c in columns if c not in features]
        return rest[0] if len(rest) == 1 else next((c for c in rest if c.lower() in LABEL_NAMES), None)
    return next((c for c in columns if c.lower() in LABEL_NAMES), None)


def _restrict(profile: Profile, features: list[str] | None) -> tuple[tuple[str, ...], Profile]:
    columns = list(profile.columns)
    label = _label(columns, features, profile.label)
    if features is None:
        features = [c for c in columns if c != label]
    missing = [f for f in features if f not in profile.columns]
    if missing:
        raise InputError(f"the input profile ({profile.dataset}) lacks the model's feature(s) "
                         f"{', '.join(map(repr, missing))}; give --profile FILE made from its training data")
    keep = [*features, *([label] if label else [])]
    corr = profile.correlation
    if corr is not None:
        idx = [i for i, c in enumerate(corr.columns) if c in features]
        corr = corr.model_copy(update={"columns": [corr.columns[i] for i in idx],
                                       "matrix": [[corr.matrix[i][j] for j in idx] for i in idx]}) \
            if len(idx) >= 2 else None
    cut = profile.model_copy(update={"columns": {c: profile.columns[c] for c in keep}, "label": label,
                                     "correlation": corr})
    return tuple(features), cut


def _from_lineage(version: ModelVersion, root: Path) -> tuple[Profile, str]:
    from secplan.data.validate.profile import build_profile
    from secplan.model.evaluate.engine import read_table
    from secplan.model.registry.hashing import hash_tree
    from secplan.model.registry.versions import resolve_path

    datasets = version.lineage.get("datasets") or []
    if not datasets:
        raise InputError(f"{version.ref}: no training dataset in its lineage to validate inputs against",
                         hint="register the model with --dataset, or give --profile FILE "
                              "(`secplan data validate DATA --write-profile FILE`)")
    ds = datasets[0]
    path = resolve_path(root, ds["path"])
    if not path.exists():
        raise InputError(f"{version.ref}: its training dataset {ds['name']}@{ds['version']} is missing "
                         f"({ds['path']}); give --profile FILE")
    if f"sha256:{hash_tree(path).root_digest()}" != ds["digest"]:
        raise IntegrityError(f"{version.ref}: its training dataset {ds['name']}@{ds['version']} ({ds['path']}) "
                             "changed since it was registered; the profile would not be the training data's")
    frame = read_table(path, "training dataset")
    return build_profile(frame, path.name), f"dataset {ds['name']}@{ds['version']}"


def load(version: ModelVersion, root: Path, features: list[str] | None, profile_file: Path | None) -> Inputs:
    """The profile of ``--profile`` when given, else of the lineage's training data, cut to ``features``."""
    from secplan.data.validate.profile import load_profile

    if profile_file is not None:
        profile, source = load_profile(profile_file), str(profile_file)
    else:
        profile, source = _from_lineage(version, root)
    names, cut = _restrict(profile, features)
    return Inputs(names, cut, source)
