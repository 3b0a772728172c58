"""The relations two documents can bear, in one table: what each is called, how it is coded in
the scan's columns, how strong it is, whether it joins clusters, whether it counts as reuse and
which policy rule a match of it answers to.

Every module reads the vocabulary from here (the scan's columns, clusters, copy links, the
policy, the CLI's ``--fail-on``, the report summary); the JSON schemas' enums are held equal
to it by a test. Adding a relation is one row here, the rule that yields it in
:mod:`dedupe.verify`, and its policy rule's default in :mod:`dedupe.policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CLUSTERING", "KINDS", "NO_RELATION", "RELATIONS", "REUSE", "Relation", "RelationKind", "by_code", "kind",
    "strength",
]

Relation = Literal["duplicate", "near_duplicate", "partial", "template", "quote", "unrelated"]


@dataclass(frozen=True, slots=True)
class RelationKind:
    name: Relation
    code: int
    """Its value in the scan's int8 relation column (an index into :data:`RELATIONS`; -1: none)."""
    strength: int
    """Stronger relations sort first (matches of a check) and ``--fail-on R`` fires on R and stronger."""
    clusters: bool
    """Pairs of it join documents into one cluster."""
    reuse: bool
    """One text reuses the other: it gives a copy link, and credit is owed."""
    rule: str | None
    """The policy rule a matched article of this relation answers to: for reuse relations, when the
    match is the checked outlet's own article (another outlet's is a wire or copy rule, whatever
    the relation); for the others, always."""
    meaning: str


KINDS: tuple[RelationKind, ...] = (
    RelationKind("duplicate", 0, 3, True, True, "own_duplicate", "the same text"),
    RelationKind("near_duplicate", 1, 2, True, True, "own_near_duplicate", "an edited or rewritten copy"),
    RelationKind("partial", 2, 1, False, True, "own_partial", "one text holds a substantial part of the other"),
    RelationKind("template", 3, 0, False, False, "template", "shared wording, different facts"),
    RelationKind("quote", 4, 0, False, False, "shared_quote", "only a statement both quote is shared"),
    RelationKind("unrelated", -1, -1, False, False, None, "nothing shared that counts"),
)

NO_RELATION = -1
"""The relation column's code for a candidate pair that bears no relation."""

RELATIONS: tuple[Relation, ...] = tuple(k.name for k in KINDS if k.code >= 0)
"""The relations a scan reports, in code order."""

REUSE: tuple[Relation, ...] = tuple(k.name for k in sorted(KINDS, key=lambda k: k.strength) if k.reuse)
"""The reuse relations, weakest first."""

CLUSTERING: frozenset[Relation] = frozenset(k.name for k in KINDS if k.clusters)

_BY_NAME: dict[str, RelationKind] = {k.name: k for k in KINDS}
_BY_CODE: dict[int, RelationKind] = {k.code: k for k in KINDS}


def kind(name: str) -> RelationKind:
    """The row of relation ``name`` (KeyError for an unknown name)."""
    return _BY_NAME[name]


def by_code(code: int) -> RelationKind:
    return _BY_CODE[code]


def strength(name: str) -> int:
    return _BY_NAME[name].strength
