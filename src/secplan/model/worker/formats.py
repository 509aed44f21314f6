"""Which file of a model version is the model, and in which format: decided without loading it.

The scanner's verdict covers pickles, joblib, skops and ONNX. XGBoost's JSON/UBJSON and
LightGBM's text format are read by their libraries' own parsers and carry no code, and the scanner
does not know them; they are recognised here by their structure (a JSON object with ``learner``,
a ``.ubj`` name, a LightGBM ``tree``/``version=`` header) and refused when they do not fit it.
"""

from __future__ import annotations

import json
from pathlib import Path

from secplan.errors import InputError
from secplan.filetypes import is_dataset_name, library_named_format

LOADABLE = ("sklearn", "skops", "xgboost", "lightgbm", "onnx")
"""The formats a worker loads."""
_SCANNED = {"joblib": "sklearn", "pickle": "sklearn", "onnx": "onnx"}
"""Scanner format name -> worker format, for files the scanner analyses."""
_XGB_JSON_HEAD = 1 << 20
_SKIP_SUFFIXES = {".md", ".yaml", ".yml", ".sig", ".sigstore", ".html", ".txt.sig"}


def native_format(path: Path) -> str | None:
    """``xgboost`` or ``lightgbm`` when the file has that library's native structure, else None."""
    named = library_named_format(path.name)
    try:
        with path.open("rb") as handle:
            head = handle.read(_XGB_JSON_HEAD)
    except OSError:
        return None
    if named == "ubjson" and head[:1] == b"{":
        return "xgboost"
    if named == "json" and b'"learner"' in head[:4096]:
        try:
            doc = json.loads(path.read_bytes()) if path.stat().st_size <= 256 * 1024 * 1024 else None
        except ValueError:
            return None
        return "xgboost" if isinstance(doc, dict) and isinstance(doc.get("learner"), dict) else None
    if head.startswith(b"tree\nversion=v") or head.startswith(b"tree\r\nversion=v"):
        return "lightgbm"
    return None


def scanned_format(scanner_format: str, path: Path) -> str | None:
    """The worker format of a file the scanner analysed, or None when it is not a loadable model."""
    if library_named_format(path.name) == "skops" and scanner_format == "zip":
        return "skops"
    return _SCANNED.get(scanner_format)


def choose(candidates: list[tuple[Path, str]], where: str, formats_seen: list[str]) -> tuple[Path, str]:
    """The one loadable model file; a clear error when there is none or more than one."""
    if not candidates:
        shown = ", ".join(sorted(set(formats_seen))) or "no model file"
        raise InputError(f"{where}: cannot evaluate {shown} (loadable formats: scikit-learn/joblib, skops, "
                         "XGBoost and LightGBM native files, ONNX)")
    if len(candidates) > 1:
        names = ", ".join(p.name for p, _ in candidates)
        raise InputError(f"{where}: several model files ({names}); register each as its own model")
    return candidates[0]


def skipped(path: Path) -> bool:
    """Files beside a model (cards, signatures, data) that are never the model."""
    return (path.suffix.lower() in _SKIP_SUFFIXES or is_dataset_name(path.name)) and native_format(path) is None
