"""Over-privileged containers and notebooks (PS-3)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result
from secplan.platform.collect import rule_probe
from secplan.platform.evidence import PLATFORM_SCAN

NEEDS = (PLATFORM_SCAN,)


def run(ev: Evidence) -> Iterator[Result]:
    return rule_probe(ev, "privileged-container", [".yml", ".yaml", ".tf", ".sh", "makefile", ".ipynb"],
                      "Kubernetes, compose, Terraform, script and notebook files")
