"""A current, verified attestation of firewall and intrusion detection review (PS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result
from secplan.compliance.attested import attestation_results
from secplan.compliance.evidence import COMPLIANCE_RECORDS

NEEDS = (COMPLIANCE_RECORDS,)


def run(ev: Evidence) -> Iterator[Result]:
    yield from attestation_results(ev, "PS-5", "a firewall and intrusion detection review")
