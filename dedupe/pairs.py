"""The verified pairs of a scan: the exact overlap of one pair (:class:`Scores`), millions of
them as 32-bit columns (:class:`PairColumns`, with the passages' evidence when aligned), their
report order, and the :class:`~dedupe.models.Pair` objects read lazily from the columns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._infra.lazy import LazySequence
from .models import Document, Evidence, Pair, Passage
from .relations import RELATIONS, Relation, kind

__all__ = ["ColumnPairs", "PairColumns", "Scores", "columns_of", "id_ranks", "pair_of", "report_order", "rounded"]

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
_ROUND_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Scores:
    shared: int
    size_a: int
    size_b: int

    @property
    def jaccard(self) -> float:
        union = self.size_a + self.size_b - self.shared
        return self.shared / union if union else 0.0

    @property
    def containment_a_in_b(self) -> float:
        return self.shared / self.size_a if self.size_a else 0.0

    @property
    def containment_b_in_a(self) -> float:
        return self.shared / self.size_b if self.size_b else 0.0



@dataclass(frozen=True, slots=True)
class PairColumns:
    """Verified pairs as columns: the two documents' positions, the shared shingle count, both
    set sizes and the relation (a code of :mod:`dedupe.relations`)."""

    a: I32
    b: I32
    shared: I32
    size_a: I32
    size_b: I32
    code: npt.NDArray[np.int8]
    evidence: npt.NDArray[np.int32] | None = None
    """Rows of :data:`~dedupe.models.EVIDENCE_FIELDS`, when the pairs were aligned."""

    def __len__(self) -> int:
        return len(self.a)

    def evidence_of(self, k: int) -> Evidence | None:
        return None if self.evidence is None else Evidence(*(int(x) for x in self.evidence[k]))

    def rows(self, start: int = 0, stop: int | None = None) -> list[tuple[int, int, Scores, Relation]]:
        """``(a, b, scores, relation)`` of the pairs ``start:stop``."""
        part = slice(start, stop)
        return [
            (a, b, Scores(n, sa, sb), RELATIONS[c])
            for a, b, n, sa, sb, c in zip(
                self.a[part].tolist(), self.b[part].tolist(), self.shared[part].tolist(),
                self.size_a[part].tolist(), self.size_b[part].tolist(), self.code[part].tolist(),
            )
        ]

    def scores(self, k: int) -> Scores:
        return Scores(int(self.shared[k]), int(self.size_a[k]), int(self.size_b[k]))

    def jaccard(self, k: int) -> float:
        """Pair ``k``'s Jaccard similarity, rounded as :class:`~dedupe.models.Pair` carries it."""
        return round(self.scores(k).jaccard, 4)

    def rounded_jaccards(self) -> F64:
        union = self.size_a.astype(np.int64) + self.size_b - self.shared
        return rounded(self.shared, union)

    def relation_counts(self) -> dict[str, int]:
        found = np.bincount(self.code, minlength=len(RELATIONS))
        return {RELATIONS[c]: int(n) for c, n in enumerate(found) if n}

    @classmethod
    def empty(cls) -> PairColumns:
        none = np.empty(0, dtype=np.int32)
        return cls(none, none, none, none, none, np.empty(0, dtype=np.int8))


def rounded(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> F64:
    """``round(num / den, 4)`` (0.0 where ``den`` is 0) exactly as Python rounds: numpy's
    ``round`` scales by 10**4 first and can land on the other side of a tie."""
    out = np.empty(len(num), dtype=np.float64)
    for start in range(0, len(num), _ROUND_CHUNK):
        n, d = num[start : start + _ROUND_CHUNK].tolist(), den[start : start + _ROUND_CHUNK].tolist()
        out[start : start + len(n)] = [round(x / y, 4) if y else 0.0 for x, y in zip(n, d)]
    return out


def columns_of(pairs: Iterable[Pair], docs: Sequence[Document]) -> PairColumns:
    """Verified :class:`~dedupe.models.Pair` objects of the documents ``docs`` as columns."""
    position = {d.id: k for k, d in enumerate(docs)}
    rows = [
        (position[p.a], position[p.b], p.shared_shingles, p.shingles_a, p.shingles_b, kind(p.relation).code)
        for p in pairs if kind(p.relation).code >= 0
    ]
    if not rows:
        return PairColumns.empty()
    a, b, shared, size_a, size_b, code = (np.array(column) for column in zip(*rows))
    return PairColumns(
        a.astype(np.int32), b.astype(np.int32), shared.astype(np.int32), size_a.astype(np.int32), size_b.astype(np.int32),
        code.astype(np.int8),
    )


def pair_of(a: str, b: str, relation: Relation, s: Scores, found: Iterable[Passage] = (), evidence: Evidence | None = None) -> Pair:
    """The :class:`~dedupe.models.Pair` of documents ``a`` and ``b`` (scores rounded to 4 places)."""
    return Pair(
        a, b, relation,
        round(s.jaccard, 4), round(s.containment_a_in_b, 4), round(s.containment_b_in_a, 4),
        s.shared, s.size_a, s.size_b, tuple(found), evidence,
    )


def id_ranks(docs: Sequence[Document]) -> I64:
    """Each document's rank in the order of the ids (equal ids share one), for sorting pairs
    as their ids sort without keeping an id tuple per pair."""
    order = sorted(range(len(docs)), key=lambda k: docs[k].id)
    rank = np.zeros(len(docs), dtype=np.int64)
    current = -1
    previous: str | None = None
    for k in order:
        if docs[k].id != previous:
            current += 1
            previous = docs[k].id
        rank[k] = current
    return rank


def report_order(columns: PairColumns, rank: I64) -> I64:
    """Pair positions in report order: Jaccard (as rounded) descending, then the ids' ranks."""
    jaccard = np.rint(columns.rounded_jaccards() * 10_000).astype(np.int64)
    return np.lexsort((rank[columns.b], rank[columns.a], -jaccard)).astype(np.int64)


class ColumnPairs(LazySequence[Pair]):
    """Verified pairs without passages, read from their columns in report order."""

    def __init__(self, columns: PairColumns, docs: Sequence[Document], order: I64) -> None:
        self._columns, self._docs, self._order = columns, docs, order

    def __len__(self) -> int:
        return len(self._order)

    def _item(self, k: int) -> Pair:
        cols, p = self._columns, int(self._order[k])
        return pair_of(
            self._docs[int(cols.a[p])].id, self._docs[int(cols.b[p])].id, RELATIONS[cols.code[p]], cols.scores(p), (), cols.evidence_of(p),
        )
