"""The vendor register as the compliance collector reads it, for the CS-6 probe cases."""

from __future__ import annotations

from typing import Any

from secplan.compliance.evidence import COMPLIANCE_RECORDS, ComplianceRecords


def vendor(name: str, data: tuple[str, ...] = ("confidential",), agreement: str | None = "DPA-1",
           expires: str | None = "2027-12-31", certs: tuple[tuple[str, str], ...] = (("ISO 27001", "2027-05-01"),),
           last_review: str | None = "2026-10-01") -> dict[str, Any]:
    return {"name": name, "data": [{"classification": c} for c in data],
            "agreement": {"ref": agreement, "expires": expires},
            "certifications": [{"name": n, "expires": e} for n, e in certs], "last_review": last_review}


def register(*vendors: dict[str, Any]) -> dict:
    return {COMPLIANCE_RECORDS: ComplianceRecords(available=True, vendors=list(vendors))}
