"""Each column operator on generated values."""

import pandas as pd
import pytest

from secplan.data.anonymize import operators
from secplan.data.anonymize.keys import pseudonym_key
from secplan.data.anonymize.policy import Generalize, Mask, Pseudonymize, Redact
from secplan.errors import InputError


def test_redact_keeps_nulls():
    out = operators.redact(pd.Series(["alice", None, "bob"]), Redact(op="redact"))
    assert out.tolist()[0] == "REDACTED" and out.tolist()[2] == "REDACTED" and pd.isna(out.iloc[1])


def test_mask_keeps_last_characters_and_length(people_frame):
    cards = people_frame["card"].astype(str)
    out = operators.mask(cards, Mask(op="mask", keep_last=4))
    assert (out.str.len() == cards.str.len()).all()
    assert (out.str[-4:] == cards.str[-4:]).all()
    assert (out.str[:-4].str.fullmatch(r"\*+")).all()
    short = operators.mask(pd.Series(["ab", None, ""]), Mask(op="mask", keep_last=4, char="#"))
    assert short.iloc[0] == "ab" and pd.isna(short.iloc[1]) and short.iloc[2] == ""
    none_kept = operators.mask(pd.Series(["secret"]), Mask(op="mask", keep_last=0))
    assert none_kept.iloc[0] == "******"


def test_pseudonyms_are_deterministic_keyed_and_join_safe(people_frame, key_file):
    rule = Pseudonymize(op="pseudonymize")
    emails = people_frame["email"]
    key = pseudonym_key()
    first = operators.pseudonymize(emails, rule, key)
    again = operators.pseudonymize(emails.iloc[::-1], rule, key).iloc[::-1]
    assert first.tolist() == again.tolist()  # same value, same token: joins still work
    assert first.nunique() == emails.nunique()
    assert first.str.fullmatch(r"[0-9a-f]{32}").all()
    assert not set(first) & set(emails)
    other = operators.pseudonymize(emails, rule, pseudonym_key(context="another project"))
    assert not set(first) & set(other)


def test_key_must_exist_be_private_and_long(tmp_path, monkeypatch):
    monkeypatch.delenv("SECPLAN_PSEUDONYM_KEY", raising=False)
    with pytest.raises(InputError, match="needs a key"):
        pseudonym_key()
    key = tmp_path / "k"
    key.write_bytes(b"x" * 32)
    key.chmod(0o644)
    monkeypatch.setenv("SECPLAN_PSEUDONYM_KEY", str(key))
    with pytest.raises(InputError, match="group or others") as info:
        pseudonym_key()
    assert "xxxx" not in info.value.message
    key.chmod(0o600)
    key.write_bytes(b"short")
    with pytest.raises(InputError, match="at least 32"):
        pseudonym_key()


def test_generalise_dates_to_month_year_decade():
    dates = pd.Series(["1984-03-17", "1984-03-02", "1991-12-31", None])
    rule = Generalize(op="generalize", kind="date", level="month")
    assert operators.generalize(dates, rule, 0).tolist()[:3] == ["1984-03", "1984-03", "1991-12"]
    assert operators.generalize(dates, rule, 1).tolist()[:3] == ["1984", "1984", "1991"]
    assert operators.generalize(dates, rule, 2).tolist()[:3] == ["1980s", "1980s", "1990s"]
    top = operators.generalize(dates, rule, 3)
    assert top.tolist()[:3] == ["*", "*", "*"] and pd.isna(top.iloc[3])
    with pytest.raises(InputError, match="not a date"):
        operators.generalize(pd.Series(["1984-03-17", "yesterday"], name="dob"), rule)


def test_generalise_ages_numbers_postcodes():
    ages = pd.Series([18, 23, 37, 89])
    age = Generalize(op="generalize", kind="age", width=10)
    assert operators.generalize(ages, age).tolist() == ["10-19", "20-29", "30-39", "80-89"]
    assert operators.generalize(ages, age, 1).tolist() == ["0-19", "20-39", "20-39", "80-99"]
    money = Generalize(op="generalize", kind="numeric", width=2500)
    assert operators.generalize(pd.Series([1234.5, 51000.0]), money).tolist() == ["[0, 2500)", "[50000, 52500)"]
    post = Generalize(op="generalize", kind="postcode", keep=3)
    codes = pd.Series(["sw1a 1aa", "75008", " 10115"])
    assert operators.generalize(codes, post).tolist() == ["SW1*", "750*", "101*"]
    assert operators.generalize(codes, post, 2).tolist() == ["S*", "7*", "1*"]
    with pytest.raises(InputError, match="not a number"):
        operators.generalize(pd.Series(["12", "twelve"], name="age"), age)


def test_band_midpoints_for_utility():
    assert operators.midpoints(pd.Series(["20-29", "30-39"])).tolist() == [25.0, 35.0]
    assert operators.midpoints(pd.Series(["[0, 10)"])).tolist() == [5.0]
    assert operators.midpoints(pd.Series(["SW1*"])) is None


def test_generalised_dates_have_a_numeric_distance():
    from secplan.data.anonymize.utility import column_distance

    mids = operators.date_midpoints(pd.Series(["1970-01", "1970", "1970s", "*", None]))
    assert mids.iloc[0] == pytest.approx(15.22) and mids.iloc[1] == pytest.approx(182.6, abs=0.1)
    assert mids.iloc[2] == pytest.approx(1826.25) and mids[3:].isna().all()
    dates = pd.Series(pd.date_range("1950-01-01", "1999-12-31", periods=500).strftime("%Y-%m-%d"))
    rule = Generalize(op="generalize", kind="date", level="month")
    by_month = column_distance(dates, operators.generalize(dates, rule, 0), dates=True)
    by_decade = column_distance(dates, operators.generalize(dates, rule, 2), dates=True)
    assert by_month["metric"] == "wasserstein_normalised"
    assert by_month["distance"] < 0.01 < by_decade["distance"] < 0.2
