"""Running gateways serve the approved production version, authenticated (MS-6)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, not_applicable, positive
from secplan.model.monitor.evidence import MONITORING
from secplan.netaddr import is_loopback

NEEDS = (MONITORING,)


def run(ev: Evidence) -> Iterator[Result]:
    running = [m for m in ev.get(MONITORING).monitors if m.running]
    if not running:
        yield not_applicable("no gateway is running")
        return
    for m in running:
        exposed = not is_loopback(m.host)
        problems = []
        if exposed and not m.auth:
            problems.append(f"listens on {m.host} without authentication")
        if exposed and not m.tls:
            problems.append(f"listens on {m.host} without TLS")
        if m.production_digest is None:
            problems.append("serves a version no production promotion approved (the model has no production stage)")
        elif m.digest != m.production_digest:
            problems.append(f"serves {m.digest[:19]}..., not the production version's {m.production_digest[:19]}...")
        if problems:
            yield negative(f"gateway of {m.model} " + "; ".join(problems), key=m.model)
        else:
            yield positive(f"{m.model} is the approved production version, served with authentication", key=m.model)
