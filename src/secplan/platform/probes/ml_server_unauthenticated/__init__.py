"""ML servers without authentication (PS-3)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result
from secplan.platform.collect import INFRA, rule_probe
from secplan.platform.evidence import PLATFORM_SCAN

NEEDS = (PLATFORM_SCAN,)


def run(ev: Evidence) -> Iterator[Result]:
    return rule_probe(ev, "ml-server-unauthenticated", INFRA, "files that launch or configure servers")
