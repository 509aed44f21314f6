"""Role-based access is in use and administrators are few (DS-3)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, positive
from secplan.human.evidence import HUMAN_RECORDS

NEEDS = (HUMAN_RECORDS,)

MIN_ADMINS_ALLOWED = 2
MAX_ADMIN_SHARE = 0.2


def run(ev: Evidence) -> Iterator[Result]:
    grants = ev.get(HUMAN_RECORDS).grants
    if not grants:
        yield no_evidence("no users with roles: only the store's owner acts (local single-user mode)")
        return
    users = {u for u, _ in grants}
    admins = sorted({u for u, r in grants if r == "admin"})
    allowed = max(MIN_ADMINS_ALLOWED, int(len(users) * MAX_ADMIN_SHARE))
    roles = sorted({r for _, r in grants})
    yield positive(f"{len(users)} user(s) act under roles: {', '.join(roles)}", key="rbac")
    if len(admins) > allowed:
        yield negative(f"{len(admins)} administrators ({', '.join(admins[:5])}{'...' if len(admins) > 5 else ''}) "
                       f"for {len(users)} users; at most {allowed} expected", key="admins")
