"""Hardware that holds keys and models is tamper-protected (PS-6)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, no_evidence


def run(ev: Evidence) -> Iterator[Result]:
    provider = ev.plan.policy.keys.provider
    if provider == "pkcs11":
        yield no_evidence("the plan names an HSM key provider; HSM-backed keys or an attestation must show it")
    else:
        yield no_evidence(f"keys are on the {provider} provider; attest hardware tamper protection "
                          "(`secplan attest PS-6`) or use an HSM")
