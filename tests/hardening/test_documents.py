"""Bounded document parsing: bombs, deep nesting and broken syntax end in a clear error, fast."""

from __future__ import annotations

import resource

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secplan.documents import (
    DocumentError,
    LimitExceeded,
    Limits,
    check_structure,
    parse_json,
    parse_toml,
    parse_yaml,
    parse_yaml_all,
    parse_yaml_with_nodes,
)
from secplan.errors import InputError
from tests.hardening.cases import billion_laughs


def test_alias_bomb_is_refused_without_expanding_it():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LimitExceeded, match="once aliases are expanded"):
        parse_yaml(billion_laughs(), "bomb.yaml")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 100 * 1024


def test_many_aliases_are_refused():
    text = "base: &b 1\nitems: [" + ", ".join(["*b"] * 200) + "]\n"
    with pytest.raises(LimitExceeded, match="more than 100 aliases"):
        parse_yaml(text, "x.yaml", Limits(max_aliases=100))


def test_ordinary_anchors_still_load():
    text = "defaults: &d {image: python, tag: '3.11'}\nservices:\n  a: *d\n  b: {<<: *d, tag: '3.12'}\n"
    data = parse_yaml(text, "compose.yaml")
    assert data["services"]["a"] == {"image": "python", "tag": "3.11"}
    assert data["services"]["b"]["tag"] == "3.12"


@pytest.mark.parametrize("opener,closer", [("[", "]"), ("{a: ", "}")])
def test_deep_yaml_flow_collections(opener, closer):
    text = opener * 5000 + "1" + closer * 5000
    with pytest.raises(LimitExceeded, match="nesting deeper than 100"):
        parse_yaml(text, "deep.yaml")


def test_deep_yaml_block_collections():
    text = "".join(" " * i + "- \n" for i in range(150)) + " " * 150 + "- x\n"
    with pytest.raises(LimitExceeded, match="nesting deeper"):
        parse_yaml(text, "deep.yaml")


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(DocumentError, match=r"^bad.yaml:2: not valid YAML"):
        parse_yaml("a: 1\nb: c: d\n", "bad.yaml")


def test_multi_document_streams_drop_empty_documents():
    assert parse_yaml_all("---\na: 1\n---\n---\nb: 2\n", "k8s.yaml") == [{"a": 1}, {"b": 2}]


def test_alias_limit_applies_per_stream_in_multi_documents():
    with pytest.raises(LimitExceeded):
        parse_yaml_all("---\nx: 1\n---\n" + billion_laughs(), "k8s.yaml")


def test_yaml_with_nodes_gives_lines():
    data, node = parse_yaml_with_nodes("a:\n  b: 1\n", "p.yaml")
    assert data == {"a": {"b": 1}}
    assert node.value[0][1].value[0][0].start_mark.line == 1


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000])
def test_deep_json(text):
    with pytest.raises(LimitExceeded, match="nest"):
        parse_json(text, "deep.json")


def test_json_within_recursion_but_past_depth_limit():
    text = "[" * 500 + "]" * 500
    with pytest.raises(LimitExceeded, match="nesting deeper than 100 levels"):
        parse_json(text, "deep.json")


def test_json_errors_are_located():
    with pytest.raises(DocumentError, match=r"^x.json:2:5: not valid JSON"):
        parse_json('{"a": 1,\n    }', "x.json")


def test_json_not_utf8():
    with pytest.raises(DocumentError, match="not UTF-8"):
        parse_json(b'{"a": "\xff"}', "x.json")


def test_deep_toml():
    text = "a = " + "[" * 50_000 + "]" * 50_000 + "\n"
    with pytest.raises(LimitExceeded, match="nest"):
        parse_toml(text, "pyproject.toml")
    inline = "a = " + "{b = " * 2000 + "1" + "}" * 2000 + "\n"
    with pytest.raises(LimitExceeded, match="nest"):
        parse_toml(inline, "pyproject.toml")


def test_toml_error():
    with pytest.raises(DocumentError, match=r"pyproject\.toml: not valid TOML"):
        parse_toml("[project\n", "pyproject.toml")


def test_size_limit():
    with pytest.raises(LimitExceeded, match="the document is 11 bytes, more than the limit of 10"):
        parse_json('{"a": "bc"}', "x.json", Limits(max_bytes=10))


def test_node_count_limit_on_parsed_values():
    with pytest.raises(LimitExceeded, match="more than 10 values"):
        check_structure(list(range(20)), "x", Limits(max_nodes=10))


def _outcome(parse) -> str:
    try:
        parse()
    except InputError as exc:
        assert exc.message.startswith("fuzz.")
        return "refused"
    return "parsed"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="[]{}:,-&*ab1 \n\"'!|>#", max_size=200))
def test_yaml_never_fails_otherwise(text):
    """Anything but a clear InputError (a crash, a RecursionError) fails the property."""
    outcome = _outcome(lambda: parse_yaml_all(text, "fuzz.yaml", Limits(max_depth=20, max_nodes=500, max_aliases=20)))
    assert outcome in ("parsed", "refused")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='[]{}:,"ab1 \n\\', max_size=200))
def test_json_never_fails_otherwise(text):
    """Anything but a clear InputError (a crash, a RecursionError) fails the property."""
    outcome = _outcome(lambda: parse_json(text, "fuzz.json", Limits(max_depth=20)))
    assert outcome in ("parsed", "refused")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='[]{}=,."ab1 \n', max_size=200))
def test_toml_never_fails_otherwise(text):
    """Anything but a clear InputError (a crash, a RecursionError) fails the property."""
    outcome = _outcome(lambda: parse_toml(text, "fuzz.toml", Limits(max_depth=20)))
    assert outcome in ("parsed", "refused")
