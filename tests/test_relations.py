"""The relation table (dedupe.relations) is the one vocabulary: the Literal type, the policy's
rules, the CLI's --fail-on and every JSON schema's enums are held equal to it."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from dedupe.cli import main
from dedupe.policy import RULES, Policy
from dedupe.relations import CLUSTERING, KINDS, NO_RELATION, RELATIONS, REUSE, Relation, by_code, kind, strength

from .schemas import load


def _at(schema: dict[str, Any], *path: str | int) -> Any:
    for step in path:
        schema = schema[step]  # type: ignore[index]
    return schema


def test_the_literal_type_names_every_row() -> None:
    assert set(get_args(Relation)) == {k.name for k in KINDS}


def test_codes_are_positions_in_the_reported_relations() -> None:
    assert [kind(r).code for r in RELATIONS] == list(range(len(RELATIONS)))
    assert by_code(NO_RELATION).name == "unrelated" and "unrelated" not in RELATIONS
    assert len({k.code for k in KINDS}) == len(KINDS)


def test_strength_orders_the_relations() -> None:
    assert strength("duplicate") > strength("near_duplicate") > strength("partial") > strength("template") > strength("unrelated")
    assert strength("partial") > strength("quote") > strength("unrelated") and not kind("quote").reuse and not kind("quote").clusters
    assert CLUSTERING <= set(REUSE)


def test_every_relation_answers_to_a_policy_rule() -> None:
    for row in KINDS:
        assert row.rule is None or row.rule in RULES, row
    assert {r for r in REUSE} == {r for r in RELATIONS if kind(r).reuse}
    for relation in RELATIONS:
        assert Policy().counts_as_reuse(relation) == kind(relation).reuse


@pytest.mark.parametrize(
    ("schema", "path", "expected"),
    [
        pytest.param("report", ("$defs", "pair", "properties", "relation", "enum"), [k.name for k in sorted(KINDS, key=lambda k: -k.strength)], id="pair"),
        pytest.param("report", ("$defs", "cluster", "properties", "members", "items", "properties", "edges", "items", "properties", "relation", "enum"), [r for r in RELATIONS if r in CLUSTERING], id="cluster-edge"),
        pytest.param("report", ("$defs", "copy_link", "properties", "relation", "enum"), [r for r in RELATIONS if kind(r).reuse], id="copy-link"),
        pytest.param("report", ("$defs", "summary", "properties", "pairs", "required"), list(RELATIONS), id="summary-pairs"),
        pytest.param("check", ("properties", "matches", "items", "properties", "relation", "enum"), list(RELATIONS), id="check-match"),
        pytest.param("check", ("properties", "reasons", "items", "properties", "rule", "enum"), list(RULES), id="check-rule"),
    ],
)
def test_schema_enums_equal_the_table(schema: str, path: tuple[str, ...], expected: list[str]) -> None:
    assert _at(load(schema), *path) == expected


def test_fail_on_offers_the_reuse_relations() -> None:
    option = next(p for p in main.commands["scan"].params if p.name == "fail_on")  # type: ignore[attr-defined]
    assert list(option.type.choices) == list(REUSE)
