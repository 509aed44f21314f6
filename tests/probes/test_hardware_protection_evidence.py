from secplan.vocabulary import Outcome

from .helpers import make_project, outcomes, run_probe


def test_software_cannot_pass_hardware_protection_alone(project_dir):
    make_project(project_dir, {}, policy={"keys": {"provider": "pkcs11"}})
    results = run_probe("hardware-protection-evidence", project_dir)
    assert outcomes(results) == [Outcome.NO_EVIDENCE]
    assert "HSM" in results[0].message
