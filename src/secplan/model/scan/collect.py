"""Feed the assessment: scan the project's model artifacts once per run (``ev.get(MODEL_SCAN)``).

Files are chosen by content as well as by name: discovery's model files, plus any file whose first
bytes say model format, archive or compressed stream (:func:`secplan.filetypes.may_hold_model`).
"""

from __future__ import annotations

from secplan.assess.evidence import Evidence, collector
from secplan.filetypes import may_hold_model
from secplan.model.scan.evidence import MODEL_SCAN, ModelScanEvidence
from secplan.model.scan.result import FileResult, ScanReport
from secplan.model.scan.scanner import ScanOptions, claim_external_data, scan_file
from secplan.vocabulary import AssetKind


@collector(MODEL_SCAN)
def collect_model_scan(ev: Evidence) -> ModelScanEvidence:
    from secplan.model.scan.policy import load_policy

    policy_path = ev.root / ".secplan" / "model-scan-policy.yml"
    options = ScanOptions(policy=load_policy(policy_path if policy_path.is_file() else None))
    chosen = {f.path for f in ev.files_of(AssetKind.MODEL)}
    chosen |= {f.path for f in ev.files if may_hold_model(f.path, f.magic) and f.kind is not AssetKind.ENCRYPTED}
    report = ScanReport([scan_file(ev.root / rel, options) for rel in sorted(chosen)])
    claim_external_data(report)
    results: dict[str, FileResult] = {}
    for rel, result in zip(sorted(chosen), report.files, strict=True):
        result.path = rel
        results[rel] = result
    return ModelScanEvidence(results)
