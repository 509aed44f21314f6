"""Generated people data (Faker, several locales): direct identifiers, quasi-identifiers, a
sensitive attribute and a learnable label."""

from __future__ import annotations

import numpy as np
import pandas as pd
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


def training(n: int = 2000, seed: int = 1) -> pd.DataFrame:
    """A clean training table: numbers, categories, free text ids and a label a model can learn."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(0, 1, n)
    x2 = rng.normal(50, 10, n)
    plan = rng.choice(["basic", "plus", "pro"], n, p=[0.5, 0.3, 0.2])
    label = np.where(x1 + (x2 - 50) / 10 + (plan == "pro") > 0.5, "yes", "no")
    return pd.DataFrame({
        "customer": [f"C{seed:02d}-{i:06d}" for i in range(n)],
        "x1": x1,
        "x2": x2,
        "visits": rng.poisson(4, n),
        "plan": plan,
        "label": label,
    })
