"""Unsafe deserialisation and remote code in the project's code (MS-6)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result
from secplan.platform.collect import rule_probe
from secplan.platform.evidence import PLATFORM_SCAN

NEEDS = (PLATFORM_SCAN,)


def run(ev: Evidence) -> Iterator[Result]:
    return rule_probe(ev, "risky-deserialization-code", [".py", ".ipynb"], "Python files and notebooks")
