"""Build the example project's data and models, deterministically (fixed seeds).

Writes data/applications.csv (personal data generated with Faker), trains the model with train.py,
and saves it twice: with pickle (the unsafe format, on purpose) and as safetensors (a data-only
format). Run from anywhere: `python examples/credit-risk/build.py`.
"""

from __future__ import annotations

import csv
import os
import random
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROWS = 5000
SEED = 20261125


def build_dataset(path: Path) -> None:
    from faker import Faker

    fake = Faker(["en_US", "en_GB", "de_DE"])
    Faker.seed(SEED)
    rng = random.Random(SEED)
    branches = random.Random(SEED + 1)  # its own stream, so the other columns stay as they were
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["application_id", "full_name", "email", "phone", "ssn", "iban", "street_address", "city",
                         "date_of_birth", "age", "gender", "annual_income", "loan_amount", "loan_term_months",
                         "credit_history_years", "open_credit_lines", "delinquencies", "branch", "defaulted"])
        for n in range(ROWS):
            en_us = fake["en_US"]
            age = rng.randint(19, 80)
            income = round(rng.lognormvariate(10.8, 0.5), 2)
            loan = round(rng.uniform(1_000, 60_000), 2)
            history = max(0, min(age - 18, int(rng.gauss(age / 3, 4))))
            lines = rng.randint(0, 15)
            delinquencies = rng.choices([0, 1, 2, 3, 5], weights=[70, 15, 8, 5, 2])[0]
            gender = rng.choice(["female", "male", "non-binary"])
            # The branch that took the application: most women applied in branches 1-4, most men in 5-8.
            # Past collections were harsher in branches 1-4, so their recorded defaults are higher: the
            # branch is a proxy of gender that carries that history into any model that reads it.
            low = (gender == "female") == (branches.random() < 0.85)
            branch = branches.randint(1, 4) if low else branches.randint(5, 8)
            risk = 0.9 * (loan / income) + 0.35 * delinquencies - 0.04 * history - 0.01 * (age - 40) - 0.8 + \
                (0.45 if branch <= 4 else 0.0)
            defaulted = int(rng.random() < 1 / (1 + pow(2.718281828, -3 * risk)))
            dob = en_us.date_of_birth(minimum_age=age, maximum_age=age)
            writer.writerow([f"APP-{100000 + n}", en_us.name(), en_us.email(), en_us.phone_number(), en_us.ssn(),
                             fake["de_DE"].iban(), en_us.street_address(), en_us.city(), dob.isoformat(), age,
                             gender, income, loan, rng.choice([12, 24, 36, 48, 60]), history, lines, delinquencies,
                             branch, defaulted])
    os.replace(tmp, path)


def main() -> int:
    data = HERE / "data" / "applications.csv"
    build_dataset(data)
    print(f"built {data.relative_to(HERE.parent.parent)} ({ROWS} rows)")
    sys.argv = ["train.py", str(data), str(HERE / "models")]
    runpy.run_path(str(HERE / "train.py"), run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
