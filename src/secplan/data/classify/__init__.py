"""Classification of sensitive data (DS-4): which entities a dataset holds, per column and in free
text, and the sensitivity level that follows. See docs/data-classification.md."""

from secplan.data.classify.engine import ClassifyOptions, classify_dataset, classify_paths
from secplan.data.classify.model import ClassifyReport, DatasetResult, TextFinding

__all__ = ["ClassifyOptions", "ClassifyReport", "DatasetResult", "TextFinding", "classify_dataset", "classify_paths"]
