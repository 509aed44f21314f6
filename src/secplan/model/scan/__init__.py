"""The model artifact scanner: finds code that loading a model would run, without loading it.

Use :func:`scan_paths` (or :func:`scan_file`) with :class:`ScanOptions`; results are
:class:`ScanReport` / :class:`FileResult` / :class:`Finding` (see :mod:`.result`).
"""

from secplan.model.scan.options import ScanOptions
from secplan.model.scan.policy import Policy, load_policy
from secplan.model.scan.result import FileResult, Finding, ScanReport, Verdict
from secplan.model.scan.scanner import scan_file, scan_paths

__all__ = ["FileResult", "Finding", "Policy", "ScanOptions", "ScanReport", "Verdict", "load_policy",
           "scan_file", "scan_paths"]
