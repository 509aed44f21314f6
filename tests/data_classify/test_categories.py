"""Categories the classifier once missed or over-reported, with cases written from the postal,
numbering and naming conventions themselves: street addresses per locale, places in several
languages, names with particles and titles, organisations, personal and non-personal dates,
possible phone numbers, nested JSON Lines, and datasets that are public."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from secplan.data.classify import ClassifyOptions, classify_dataset
from secplan.data.classify.columns import add_counts, count_batch, decide
from secplan.data.classify.levels import Levels
from secplan.data.classify.text import find_in_batch
from secplan.vocabulary import Classification


def found_in(line: str) -> list[tuple[str, str]]:
    batch = pa.record_batch({"text": [line], "offset": [0]})
    return [(f["type"], f["text"]) for f in find_in_batch(batch).to_pylist()]


def columns_found(columns: dict[str, list[str]]) -> dict[str, set[str]]:
    batch = pa.record_batch({name: pa.array(values, pa.string()) for name, values in columns.items()})
    per_column: dict[str, dict[str, int]] = {}
    for (column, entity), matches in add_counts({}, count_batch(batch)).items():
        per_column.setdefault(column, {})[entity] = matches
    return {name: {e.type for e in decide(name, per_column.get(name, {}), Levels()).entities} for name in columns}


@pytest.mark.parametrize(("line", "address"), [
    ("Deliveries go to 1600 Pennsylvania Avenue NW, Washington.", "1600 Pennsylvania Avenue"),
    ("Our office: 42 Wallaby Way, Sydney", "42 Wallaby Way"),
    ("Bitte an Schillerstraße 12a schicken.", "Schillerstraße 12a"),
    ("Adresse: Rathausplatz 3/2, Wien", "Rathausplatz 3/2"),
    ("Het pakket ligt op Prinsengracht 263.", "Prinsengracht 263"),
    ("Levering til Nørrebrogade 17 i morgen", "Nørrebrogade 17"),
    ("Skickas till Drottninggatan 53", "Drottninggatan 53"),
    ("Toimitus osoitteeseen Mannerheimintie 22", "Mannerheimintie 22"),
    ("Elle habite au 14, rue des Lilas depuis mai.", "14, rue des Lilas"),
    ("Envoyez-le avenue de la Gare 9 à Lausanne.", "avenue de la Gare 9"),
    ("Se mudó a la Calle de Alcalá 45, Madrid.", "Calle de Alcalá 45"),
    ("Consegna in Via Garibaldi, 7 a Torino", "Via Garibaldi, 7"),
    ("Mora na Rua Augusta, 120 em Lisboa", "Rua Augusta, 120"),
    ("Mieszka przy ul. Długa 8/3 w Gdańsku", "ul. Długa 8/3"),
])
def test_street_addresses_per_locale(line: str, address: str) -> None:
    locations = [text for kind, text in found_in(line) if kind == "LOCATION"]
    assert any(address in text or text in address for text in locations), found_in(line)


@pytest.mark.parametrize(("line", "place"), [
    ("The team flew to Nairobi for the workshop.", "Nairobi"),
    ("Sie kommt aus Innsbruck und arbeitet in Linz.", "Innsbruck"),
    ("Il est né à Montpellier.", "Montpellier"),
    ("Vive en Valladolid desde 2019.", "Valladolid"),
    ("Abita a Bergamo con la famiglia.", "Bergamo"),
    ("Hij woont in Eindhoven.", "Eindhoven"),
    ("Exports to Vietnam and Chile grew.", "Vietnam"),
    ("She lives in Oberwölz, a small village.", "Oberwölz"),  # not in the gazetteer: the phrase says so
])
def test_places_in_several_languages(line: str, place: str) -> None:
    assert ("LOCATION", place) in found_in(line)


@pytest.mark.parametrize("line", [
    "Upgrade to version 2.3 before Spring 2024 ends.",
    "We shipped 12 units on Monday.",
    "Chapter 5 explains the main loop.",
    "The invoice from Harrison Holdings Ltd arrived.",
])
def test_no_place_where_there_is_none(line: str) -> None:
    assert [f for f in found_in(line) if f[0] == "LOCATION"] == []


@pytest.mark.parametrize(("line", "person"), [
    ("The ticket went to Sophie van der Berg on Friday.", "Sophie van der Berg"),
    ("Ein Termin mit Frau Oberhuber ist frei.", "Frau Oberhuber"),
    ("Rendez-vous avec Madame Lefebvre demain.", "Madame Lefebvre"),
    ("Reunión con el Sr. Quintanilla a las diez.", "Sr. Quintanilla"),
    ("Please escalate to Sarah McAllister.", "Sarah McAllister"),
    ("Signed by Hans-Peter Müller-Lüdenscheidt.", "Hans-Peter Müller-Lüdenscheidt"),
])
def test_people_with_particles_titles_and_compound_names(line: str, person: str) -> None:
    assert ("PERSON", person) in found_in(line)


@pytest.mark.parametrize("line", [
    "The invoice from Fischer GmbH arrived.",
    "We signed with Martin & Sons Ltd today.",
    "Payment to Dubois et Fils was late.",
    "The audit by Walker, Jarvis and Davies is done.",
    "We renewed with Kowalski Group this week.",
    "Invoice from Brunner Hofer GbR attached.",
])
def test_organisations_are_not_people(line: str) -> None:
    assert [f for f in found_in(line) if f[0] == "PERSON"] == []


@pytest.mark.parametrize(("line", "personal"), [
    ("Date of birth: 1984-07-12", True),
    ("Patient admitted on 03.02.2021 with pneumonia.", True),
    ("She was hired on 4/15/2019 as a nurse.", True),
    ("Geboren am 12.05.1971 in Graz.", True),
    ("The order was placed on 2023-11-02 and shipped.", False),
    ("Version 4 was released on 2022-06-30.", False),
    ("2024-03-01T12:00:01Z INFO worker started", False),
])
def test_dates_are_personal_only_by_context(line: str, personal: bool) -> None:
    assert any(kind == "DATE_TIME" for kind, _ in found_in(line)) is personal


def test_date_columns_by_name() -> None:
    dates = [f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10}" for i in range(200)]
    found = columns_found({"date_of_birth": dates, "hire_date": dates, "order_date": dates, "released": dates,
                           "created_at": dates})
    assert found == {"date_of_birth": {"DATE_TIME"}, "hire_date": {"DATE_TIME"}, "order_date": set(),
                     "released": set(), "created_at": set()}


def test_possible_but_unallocated_phone_numbers_with_a_phone_word() -> None:
    # right length for the country, in no allocated range: phonenumbers says possible, not valid
    import phonenumbers

    number = "+1 212 055 0123"  # a New York area code, an exchange that cannot start with 0
    parsed = phonenumbers.parse(number)
    assert phonenumbers.is_possible_number(parsed) and not phonenumbers.is_valid_number(parsed)
    assert ("PHONE_NUMBER", number) in found_in(f"Call me on {number} after six.")
    assert [f for f in found_in(f"Reference {number} was closed.") if f[0] == "PHONE_NUMBER"] == []
    assert columns_found({"mobile": [number] * 30, "reading": [number] * 30}) == {"mobile": {"PHONE_NUMBER"},
                                                                                  "reading": set()}


def test_category_and_organisation_columns_are_not_names() -> None:
    tiers = ["Gold", "Silver", "Rose", "Ruby"] * 50
    genders = ["Male", "Female"] * 100
    companies = ["Fischer GmbH", "Martin & Sons", "Rossi S.p.A.", "Dubois et Fils", "Baker Holdings Inc"] * 40
    people = ["Anna Fischer", "Marco Rossi", "Claire Dubois", "Tom Baker", "Ingrid Olsen"] * 40
    found = columns_found({"col_tier": tiers, "col_gender": genders, "col_org": companies, "col_people": people})
    assert found == {"col_tier": set(), "col_gender": set(), "col_org": set(), "col_people": {"PERSON"}}


def test_nested_lists_of_objects_in_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(40):
            handle.write(json.dumps({"id": n, "ips": [f"81.2.69.{n}", "2001:db8::7"],
                                     "sessions": [{"client": {"addr": f"198.51.100.{n}"}, "step": n}]}) + "\n")
    result = classify_dataset(path, ClassifyOptions())
    found = {c.name: {e.type for e in c.entities} for c in result.columns}
    assert found["ips"] == {"IP_ADDRESS"}
    assert found["sessions.client.addr"] == {"IP_ADDRESS"}
    assert found["sessions.step"] == set()


def test_place_lists_and_holiday_tables_are_public(tmp_path: Path) -> None:
    cities = tmp_path / "cities.csv"
    cities.write_text("city,country,population\n" + "".join(
        f"{c},{k},{p}\n" for c, k, p in [("Lyon", "France", 522000), ("Porto", "Portugal", 232000),
                                         ("Graz", "Austria", 291000), ("Leeds", "United Kingdom", 812000)] * 10),
        encoding="utf-8")
    holidays = tmp_path / "holidays.csv"
    holidays.write_text("date,holiday\n" + "".join(
        f"{y}-{d},{n}\n" for y in range(2020, 2030)
        for d, n in [("01-01", "New Year's Day"), ("05-01", "Labour Day"), ("12-25", "Christmas Day")]),
        encoding="utf-8")
    customers = tmp_path / "customers.csv"
    customers.write_text("email,city\n" + "".join(f"u{n}@example.org,Lyon\n" for n in range(40)), encoding="utf-8")
    assert classify_dataset(cities, ClassifyOptions()).classification is Classification.PUBLIC
    assert classify_dataset(holidays, ClassifyOptions()).classification is Classification.PUBLIC
    with_people = classify_dataset(customers, ClassifyOptions())
    assert with_people.classification is Classification.CONFIDENTIAL
    assert {c.name: c.classification for c in with_people.columns}["city"] is Classification.INTERNAL
    overridden = classify_dataset(cities, ClassifyOptions(overrides={"LOCATION": Classification.INTERNAL}))
    assert overridden.classification is Classification.INTERNAL
