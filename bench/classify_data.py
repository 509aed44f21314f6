"""Generate the benchmark's 1-million-row table fast (vectorised), with distinct values per row so
that validator caches do not flatter full scans. Names and places come from Faker's locale lists."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker


def _digits(rng: np.random.Generator, rows: int, width: int) -> np.ndarray:
    return rng.integers(0, 10, size=(rows, width), dtype=np.int8)


def _luhn_complete(body: np.ndarray) -> np.ndarray:
    """Append the Luhn check digit to each row of digits (vectorised)."""
    digits = body[:, ::-1].astype(np.int16)
    doubled = digits.copy()
    doubled[:, ::2] *= 2
    doubled[doubled > 9] -= 9
    check = (10 - doubled.sum(axis=1) % 10) % 10
    return np.concatenate([body, check[:, None].astype(np.int8)], axis=1)


def _join(digits: np.ndarray) -> pa.Array:
    chars = (digits + ord("0")).astype(np.uint8)
    return pa.array(chars.view(f"S{digits.shape[1]}").ravel().astype(str))


def table(rows: int, seed: int = 3) -> pa.Table:
    rng = np.random.default_rng(seed)
    fake = Faker(["en_US", "de_DE", "fr_FR"])
    Faker.seed(seed)
    first = np.array([fake.first_name() for _ in range(2000)])
    last = np.array([fake.last_name() for _ in range(2000)])
    cities = np.array(sorted({Faker("de_DE").city() for _ in range(3000)}))
    names = np.char.add(np.char.add(first[rng.integers(0, len(first), rows)], " "),
                        last[rng.integers(0, len(last), rows)])
    ids = np.arange(rows)
    emails = pc.binary_join_element_wise(
        pa.array(np.char.lower(first[rng.integers(0, len(first), rows)])), pa.array(ids.astype(str)),
        pa.array(np.array(["example.org", "mail.example.com", "corp.example.net"])[rng.integers(0, 3, rows)]),
        "")
    emails = pc.replace_substring_regex(emails, r"^([^\d]+)(\d+)", r"\1.\2@")
    card_body = _digits(rng, rows, 15)
    card_body[:, 0] = 4
    cards = _join(_luhn_complete(card_body))
    area = rng.integers(1, 899, rows)
    area[area == 666] = 667
    ssn = [f"{a:03d}-{g:02d}-{s:04d}" for a, g, s in zip(area, rng.integers(1, 99, rows),
                                                         rng.integers(1, 9999, rows), strict=True)]
    phone = [f"+1 {a}-{b}-{c:04d}" for a, b, c in zip(rng.integers(201, 989, rows), rng.integers(200, 999, rows),
                                                       rng.integers(0, 9999, rows), strict=True)]
    ips = [f"{a}.{b}.{c}.{d}" for a, b, c, d in rng.integers(1, 255, size=(rows, 4))]
    orders = [f"ORD-{n:09d}" for n in rng.integers(0, 10**9, rows)]
    return pa.table({
        "customer_id": pa.array(ids),
        "full_name": pa.array(names),
        "email": emails,
        "phone": pa.array(phone),
        "card_number": cards,
        "ssn": pa.array(ssn),
        "ip_address": pa.array(ips),
        "city": pa.array(cities[rng.integers(0, len(cities), rows)]),
        "order_ref": pa.array(orders),
        "amount": pa.array(rng.uniform(1, 5000, rows).round(2)),
    })
