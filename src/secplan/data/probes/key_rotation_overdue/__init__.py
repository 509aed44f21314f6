"""Active keys younger than the plan's rotation period (DS-2)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, not_applicable, positive
from secplan.crypto.collect import key_age_days
from secplan.crypto.evidence import KEYS
from secplan.crypto.keys.interface import KeyState
from secplan.vocabulary import Classification

NEEDS = (KEYS,)


def run(ev: Evidence) -> Iterator[Result]:
    keys = ev.get(KEYS)
    active = [k for k in keys.keys if k.state is KeyState.ACTIVE]
    if not active:
        if keys.files:
            yield no_evidence("the project has encrypted files but no keystore with their keys was found; "
                              "point SECPLAN_KEYSTORE at it so key ages can be checked")
        elif any(a.classification and a.classification.at_least(Classification.CONFIDENTIAL) for a in ev.assets):
            yield no_evidence("the project holds confidential or restricted assets but no managed keys: create a "
                              "key-encryption key (`secplan keys create NAME`) or show the key management in use")
        else:
            yield not_applicable("no managed keys, no encrypted files and no confidential data")
        return
    period = ev.plan.policy.keys.rotate_every_days
    for key in active:
        age = key_age_days(key, ev.today)
        details = {"key": key.id, "provider": key.provider, "age_days": age, "rotate_every_days": period}
        if age > period:
            yield negative(f"key {key.id} ({key.provider}) is {age} days old; the plan rotates every {period} days",
                           key=key.id, details=details)
        else:
            yield positive(f"key {key.id} ({key.provider}) is {age} days old (rotation every {period} days)",
                           key=key.id, details=details)
