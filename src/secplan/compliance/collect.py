"""The ``compliance_records`` evidence collector: the vendor register and the attestations of this
project, read once per assessment."""

from __future__ import annotations

from secplan.assess.evidence import Evidence, collector
from secplan.compliance.evidence import COMPLIANCE_RECORDS, ComplianceRecords


@collector(COMPLIANCE_RECORDS)
def collect_compliance_records(ev: Evidence) -> ComplianceRecords:
    if not ev.has_store:
        return ComplianceRecords(available=False)
    from secplan.compliance.attestations import all_attestations
    from secplan.compliance.vendors import all_vendors
    from secplan.projects import project_of

    project_id = project_of(ev.store).id
    return ComplianceRecords(True, all_vendors(ev.store, project_id),
                             all_attestations(ev.store, project_id, ev.today))
