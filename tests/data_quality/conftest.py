"""Generated people data (Faker, several locales) and a pseudonymisation key for the DS-6/DS-7 tests."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from faker import Faker


def people(n: int = 1500, seed: int = 7) -> pd.DataFrame:
    """Direct identifiers, quasi-identifiers, a sensitive attribute and a learnable label."""
    fake = Faker(["en_GB", "de_DE", "fr_FR"])
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 90, n)
    income = rng.normal(48_000, 14_000, n).round()
    diagnosis = rng.choice(["asthma", "diabetes", "flu", "migraine"], n)
    return pd.DataFrame({
        "name": [fake.name() for _ in range(n)],
        "email": [fake.email() for _ in range(n)],
        "phone": [fake.phone_number() for _ in range(n)],
        "card": [fake.credit_card_number() for _ in range(n)],
        "age": age,
        "postcode": [fake.postcode() for _ in range(n)],
        "birth_date": [fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat() for _ in range(n)],
        "sex": rng.choice(["F", "M"], n),
        "income": income,
        "diagnosis": diagnosis,
        "churn": ((age > 50).astype(int) ^ (rng.random(n) < 0.05)).astype(int),
    })


@pytest.fixture(scope="session")
def people_frame() -> pd.DataFrame:
    return people()


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pseudonym.key"
    path.write_bytes(os.urandom(32))
    path.chmod(0o600)
    monkeypatch.setenv("SECPLAN_PSEUDONYM_KEY", str(path))
    return path
