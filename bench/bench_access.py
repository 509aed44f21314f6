"""Benchmark: secplan's access decisions against pycasbin, the library a user would pick instead.

One store (a SQLite file, or an EMPTY PostgreSQL database with ``--url``) with ``--users`` users,
each granted one or two random built-in roles in the project; the same random
``(user, kind, action)`` questions go to:

  * secplan ``access.can`` from a warm process (the policy cached in memory, as in a server);
  * pycasbin set up as its documentation shows: a model file and a CSV policy file with every
    role's permissions and every user's grants, one warm ``Enforcer`` (its RBAC-with-domains model,
    the same one secplan's tests compare against);

and every answer must agree. It also times ``access.authorize`` on allowed and on denied questions
(each denial is written to the audit ledger before it returns) and a request as the model gateway
and the server see it: bearer token to identity (``identity_from_token``: revocation and expiry read
from the store every time, Argon2id paid once per token per process) plus ``authorize``.

    .venv/bin/python bench/bench_access.py --users 1000 --decisions 20000
    .venv/bin/python bench/bench_access.py --url postgresql+psycopg://postgres@127.0.0.1:55432/EMPTY_DB
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from secplan import access
from secplan.access.authn import Identity
from secplan.access.policy import ACTIONS, BUILTIN_ROLES, CASBIN_MODEL, KINDS
from secplan.access.records import Grant, User
from secplan.access.tokens import issue
from secplan.projects import Project, project_of
from secplan.store.base import utcnow
from secplan.store.db import Store

Question = tuple[str, str, str]  # (user, kind, action)


def populate(store: Store, project: Project, users: int, rng: random.Random) -> None:
    """Users and grants written straight to their tables: one transaction instead of a CLI call each."""
    roles = sorted(BUILTIN_ROLES)
    with store.session() as session:
        for i in range(users):
            name = f"user{i:05d}"
            session.add(User(name=name))
            for role in rng.sample(roles, rng.choice((1, 2))):
                session.add(Grant(user_name=name, role=role, project_id=project.id, granted_by="bench"))
    access.invalidate(store)


def casbin_files(store: Store, folder: Path) -> tuple[Path, Path]:
    """The model and policy files a pycasbin user would keep: every permission and every grant."""
    policy = access.cache.policy(store)
    model = folder / "rbac_with_domains.conf"
    model.write_text(CASBIN_MODEL, encoding="utf-8")
    lines = [f"p, role:{role}, {kind}, {action}" for role, perms in sorted(policy.roles.items())
             for kind, action in sorted(perms)]
    lines += [f"g, user:{user}, role:{role}, {project_id}"
              for (project_id, user), held in sorted(policy.grants.items()) for role in held]
    csv = folder / "policy.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return model, csv


def rate(count: int, fn: Callable[[], object]) -> tuple[float, float]:
    """(seconds, calls per second) for ``count`` calls of ``fn`` (fn runs them all)."""
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    return seconds, count / seconds if seconds else float("inf")


def identities(store: Store, project: Project, names: Sequence[str]) -> dict[str, Identity]:
    policy = access.cache.policy(store)
    return {n: Identity(n, project, policy.roles_of(n, project.id), "os-user") for n in names}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--decisions", type=int, default=20000, help="questions asked of both engines")
    parser.add_argument("--denials", type=int, default=500, help="denied authorize calls (each ledgered)")
    parser.add_argument("--requests", type=int, default=2000, help="token-authenticated requests")
    parser.add_argument("--url", help="an EMPTY database to use (default: a SQLite file in a temporary folder)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    import casbin

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / ".secplan"
        home.mkdir()
        store = Store(args.url or f"sqlite:///{home / 'bench.db'}", home)
        project = project_of(store)
        populate(store, project, args.users, rng)
        names = [f"user{i:05d}" for i in range(args.users)]
        who = identities(store, project, names)
        questions: list[Question] = [(rng.choice(names), rng.choice(KINDS), rng.choice(ACTIONS))
                                     for _ in range(args.decisions)]

        model, csv = casbin_files(store, Path(tmp))
        enforcer = casbin.Enforcer(str(model), str(csv))

        ours: list[bool] = []
        theirs: list[bool] = []
        s_secs, s_rate = rate(len(questions), lambda: ours.extend(
            access.can(store, who[u], a, k, project) for u, k, a in questions))
        c_secs, c_rate = rate(len(questions), lambda: theirs.extend(
            enforcer.enforce(f"user:{u}", project.id, k, a) for u, k, a in questions))
        disagree = sum(x != y for x, y in zip(ours, theirs, strict=True))

        allowed = [q for q, ok in zip(questions, ours, strict=True) if ok]
        denied = [q for q, ok in zip(questions, ours, strict=True) if not ok][: args.denials]
        a_secs, a_rate = rate(len(allowed), lambda: [access.authorize(store, who[u], a, k, project)
                                                      for u, k, a in allowed])
        d_secs, d_rate = rate(len(denied), lambda: [access.authorize(store, who[u], a, k, project)
                                                     for u, k, a in denied])

        holders = names[:50]
        expires = utcnow() + dt.timedelta(days=30)
        tokens = {n: issue(store, user=n, project_id=project.id, roles=None, expires_at=expires,
                           created_by="bench", scope="admin").token for n in holders}
        for token in tokens.values():  # Argon2id once per token per process, as a warm server pays it
            access.identity_from_token(store, token, project=project)
        requests = [(tokens[rng.choice(holders)], rng.choice(KINDS), rng.choice(ACTIONS))
                    for _ in range(args.requests)]

        def serve() -> None:
            for token, kind, action in requests:
                identity = access.identity_from_token(store, token, project=project)
                access.can(store, identity, action, kind, project)

        r_secs, r_rate = rate(len(requests), serve)
        backend = store.engine.dialect.name
        store.dispose()

    print(f"{backend}: {args.users} users, {len(questions)} decisions, seed {args.seed}")
    print(f"{'measure':48} {'seconds':>9} {'per second':>12}")
    print(f"{'secplan access.can (warm policy)':48} {s_secs:9.3f} {s_rate:12,.0f}")
    print(f"{'pycasbin Enforcer.enforce (warm, files loaded)':48} {c_secs:9.3f} {c_rate:12,.0f}")
    print(f"{'secplan authorize, allowed (' + str(len(allowed)) + ')':48} {a_secs:9.3f} {a_rate:12,.0f}")
    print(f"{'secplan authorize, denied and ledgered (' + str(len(denied)) + ')':48} {d_secs:9.3f} {d_rate:12,.0f}")
    print(f"{'token -> identity -> decision (' + str(len(requests)) + ')':48} {r_secs:9.3f} {r_rate:12,.0f}")
    print(f"secplan / pycasbin: {s_rate / c_rate:.1f}x; answers that differ: {disagree}")
    if disagree:
        sys.exit(1)


if __name__ == "__main__":
    main()
