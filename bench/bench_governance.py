"""Benchmark: secplan's access decisions against what a user would wire up instead, plain pycasbin
with a model file and a CSV policy.

Same users, same grants, same random (user, kind, action) questions, one run:
  * secplan: ``require``'s path minus token verification (grants and custom roles read from the
    store, an enforcer built for the decision), as every CLI command pays it;
  * casbin, cold: an Enforcer loaded from model.conf + policy.csv for each decision (a CLI that
    reads its policy file on every run);
  * casbin, warm: one Enforcer in memory, ``enforce`` per decision (a long-running server).
Every answer is compared: the three must agree on every decision.

    .venv/bin/python bench/bench_governance.py --users 1000 --decisions 2000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import casbin

from secplan.human import rbac
from secplan.human.access import Identity, _granted_roles, can
from secplan.human.records import Grant, User
from secplan.store.db import Store

DOMAIN = "bench"


def setup(root: Path, users: int, seed: int) -> tuple[Store, list[tuple[str, str]]]:
    rng = random.Random(seed)
    store = Store(f"sqlite:///{root / 'bench.db'}", root)
    grants = [(f"user{n}", rng.choice(sorted(rbac.BUILTIN_ROLES))) for n in range(users)]
    with store.session() as session:
        session.add_all(User(name=u) for u, _ in grants)
        session.add_all(Grant(user_name=u, role=r, domain=DOMAIN, granted_by="bench") for u, r in grants)
    return store, grants


def write_casbin_files(root: Path, grants: list[tuple[str, str]]) -> tuple[Path, Path]:
    model = root / "model.conf"
    model.write_text(rbac._MODEL)
    lines = [f"p, role:{role}, {kind}, {action}" for role, perms in rbac.BUILTIN_ROLES.items()
             for kind, action in perms]
    lines += [f"g, user:{user}, role:{role}, {DOMAIN}" for user, role in grants]
    policy = root / "policy.csv"
    policy.write_text("\n".join(lines) + "\n")
    return model, policy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--decisions", type=int, default=2000)
    parser.add_argument("--cold", type=int, default=20,
                        help="Decisions for the cold casbin run (each loads the whole policy file).")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store, grants = setup(root, args.users, args.seed)
        model, policy = write_casbin_files(root, grants)
        questions = [(f"user{rng.randrange(args.users)}", rng.choice(rbac.KINDS), rng.choice(rbac.ACTIONS))
                     for _ in range(args.decisions)]

        start = time.perf_counter()
        ours = []
        for user, kind, action in questions:
            identity = Identity(user, DOMAIN, _granted_roles(store, user, DOMAIN), "token")
            ours.append(can(store, identity, action, f"{kind}:x"))
        t_ours = time.perf_counter() - start

        start = time.perf_counter()
        cold = [casbin.Enforcer(str(model), str(policy)).enforce(f"user:{u}", DOMAIN, k, a)
                for u, k, a in questions[: args.cold]]
        t_cold = (time.perf_counter() - start) / len(cold) * args.decisions  # extrapolated to all decisions

        warm_enforcer = casbin.Enforcer(str(model), str(policy))
        start = time.perf_counter()
        warm = [warm_enforcer.enforce(f"user:{u}", DOMAIN, k, a) for u, k, a in questions]
        t_warm = time.perf_counter() - start
        store.dispose()

    if not (ours == warm and ours[: args.cold] == cold):
        raise SystemExit("decisions differ between secplan and pycasbin: a bug")
    n = args.decisions
    print(f"{args.users} users, {n} decisions, {sum(ours)} allowed")
    print(f"secplan (store-backed, per decision) {t_ours:8.3f} s  {n / t_ours:10.0f} decisions/s")
    print(f"pycasbin cold (files, per decision)  {t_cold:8.3f} s (from {args.cold})  {n / t_cold:10.0f} decisions/s  "
          f"ratio secplan/cold {t_ours / t_cold:.4f}")
    print(f"pycasbin warm (in memory)            {t_warm:8.3f} s  {n / t_warm:10.0f} decisions/s  "
          f"ratio secplan/warm {t_ours / t_warm:.2f}")


if __name__ == "__main__":
    main()
