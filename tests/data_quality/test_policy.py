"""Policy files: valid ones load, every mistake is a clear error naming the file and the field."""

from pathlib import Path

import pytest

from secplan.data.anonymize.policy import load_policy
from secplan.errors import InputError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.anonymize.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_policy_loads(tmp_path):
    policy = load_policy(write(tmp_path, """
columns:
  email: {op: pseudonymize}
  age: {op: generalize, kind: age, width: 10}
quasi_identifiers: [age, sex]
sensitive: [diagnosis]
k: 5
l: 2
dp: {budget: 1.0, aggregates: [{name: m, column: income, stat: mean, epsilon: 0.5, bounds: [0, 100]}]}
"""))
    assert policy.k == 5 and policy.columns["email"].op == "pseudonymize"
    assert policy.referenced_columns() == {"email", "age", "sex", "diagnosis", "income"}


@pytest.mark.parametrize(("text", "needle"), [
    ("columns: {email: {op: scramble}}", "columns.email"),
    ("columns: {email: {op: mask, keep_lst: 4}}", "keep_lst"),
    ("colums: {}", "colums"),
    ("k: 0", "k"),
    ("quasi_identifiers: [email]\ncolumns: {email: {op: redact}}", "quasi-identifier 'email'"),
    ("l: 2", "sensitive attribute"),
    ("dp: {budget: 1, aggregates: [{name: a, column: x, stat: mean, epsilon: 1}]}", "needs bounds"),
    ("dp: {budget: 1, aggregates: [{name: a, column: x, stat: counts, epsilon: 1}]}", "categories"),
    ("dp: {budget: 0}", "dp.budget"),
    ("[1, 2]", "must be a mapping"),
    ("columns: {a: [unclosed", "not valid YAML"),
])
def test_bad_policy_is_a_clear_error(tmp_path, text, needle):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_policy(path)
    assert str(path) in info.value.message
    assert needle in info.value.message


def test_missing_policy_file(tmp_path):
    with pytest.raises(InputError, match="no such anonymisation policy file"):
        load_policy(tmp_path / "absent.yaml")
