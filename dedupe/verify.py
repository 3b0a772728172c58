"""Exact verification of candidate pairs, and the one function that says what relation a pair
bears (:func:`relations`), used by ``scan``, ``compare`` and ``check`` alike.

A candidate pair is verified on the two documents' exact shingle sets: the shared count (a
merge walk over sorted arrays, compiled by numba when installed), the Jaccard similarity and
the containment of each in the other. :func:`relations` turns those into relation codes (the
rows of :mod:`dedupe.relations`), then runs the template test on the pairs that need it: two
texts naming only different weekdays report different days, and a pair whose smaller
document's facts (:mod:`dedupe.facts`) are mostly missing from the larger shares a formula,
not a story. A scan verifies millions of pairs a chunk at a time and keeps only the verified
ones, as 32-bit columns (:class:`PairColumns`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._infra import jit
from ._infra.lazy import LazySequence
from ._infra.ragged import Ragged
from .candidates import decode
from .config import Config
from .facts import FactSource
from .models import Document, Pair, Passage
from .relations import NO_RELATION, RELATIONS, Relation, by_code, kind

__all__ = [
    "ColumnPairs", "PairColumns", "Scores", "columns_of", "cross_counts", "id_ranks", "jaccards", "pair_of", "relation_codes",
    "relation_of", "relations", "report_order", "score", "shared_counts", "verify_candidates",
]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Progress = Callable[[str, int, int | None], None]

_TEMPLATE = kind("template").code
_ROUND_CHUNK = 1 << 20
_VERIFY_CHUNK = 1_000_000
_TEMPLATE_CHUNK = 100_000


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


def score(a: U32, b: U32) -> Scores:
    """Exact overlap of two sorted, distinct shingle arrays."""
    if len(a) > len(b):
        a, b = b, a
        swapped = True
    else:
        swapped = False
    shared = int(np.count_nonzero(np.isin(a, b, assume_unique=True))) if len(a) and len(b) else 0
    return Scores(shared, len(b), len(a)) if swapped else Scores(shared, len(a), len(b))


# ---------------------------------------------------------------------------------- shared counts


def _intersections(values: Any, starts: Any, pairs: Any, out: Any) -> None:
    """``out[q]`` = how many values the sorted, distinct blocks ``pairs[q]`` of ``values`` share
    (one merge walk per pair; compiled by numba)."""
    for q in range(len(pairs)):
        i, j = pairs[q, 0], pairs[q, 1]
        a, a_end = starts[i], starts[i + 1]
        b, b_end = starts[j], starts[j + 1]
        count = 0
        while a < a_end and b < b_end:
            x, y = values[a], values[b]
            if x == y:
                count += 1
                a += 1
                b += 1
            elif x < y:
                a += 1
            else:
                b += 1
        out[q] = count


def _intersection_sizes(values: npt.NDArray[Any], starts: I64, pairs: I64) -> I64:
    out = np.zeros(len(pairs), dtype=np.int64)
    jit.compiled(_intersections)(values, np.asarray(starts, dtype=np.int64), np.ascontiguousarray(pairs, dtype=np.int64), out)
    return out


def _flat(blocks: Sequence[npt.NDArray[Any]], dtype: npt.DTypeLike) -> tuple[npt.NDArray[Any], I64]:
    lengths = np.fromiter((len(x) for x in blocks), dtype=np.int64, count=len(blocks))
    starts = np.concatenate(([0], np.cumsum(lengths)))
    values = np.concatenate([np.asarray(x, dtype=dtype) for x in blocks]) if starts[-1] else np.empty(0, dtype=dtype)
    return values, starts


def shared_counts(sets: Sequence[U32], pairs: I64) -> I64:
    """How many shingles each candidate pair ``(i, j)`` shares, for many pairs at once (the
    compiled merge walk when numba is installed and the batch is big; else :func:`score`)."""
    if len(pairs) >= 1000 and jit.available():
        if isinstance(sets, Ragged) and sets.dtype == np.uint32:  # already one array: no copy
            return _intersection_sizes(sets.values, sets.starts, pairs)
        return _intersection_sizes(*_flat(sets, np.uint32), pairs)
    return np.array([score(sets[i], sets[j]).shared for i, j in pairs], dtype=np.int64)


def cross_counts(left: Sequence[npt.NDArray[np.generic]], right: Sequence[npt.NDArray[np.generic]], pairs: I64) -> I64:
    """For each pair ``(i, j)``, how many values the sorted, distinct arrays ``left[i]`` and
    ``right[j]`` share (the compiled merge walk for big batches, else numpy)."""
    if len(pairs) >= 1000 and jit.available():
        blocks = [*left, *right]
        dtype = np.result_type(*(x.dtype for x in blocks)) if blocks else np.uint64
        shifted = np.asarray(pairs, dtype=np.int64).copy()
        shifted[:, 1] += len(left)
        return _intersection_sizes(*_flat(blocks, dtype), shifted)
    return np.array([np.count_nonzero(np.isin(left[i], right[j], assume_unique=True)) for i, j in pairs], dtype=np.int64)


# ---------------------------------------------------------------------------------- relations


def jaccards(shared: I64, size_a: I64, size_b: I64) -> F64:
    """:attr:`Scores.jaccard` for many pairs."""
    union = size_a + size_b - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, shared.astype(np.float64) / union, 0.0)


def relation_codes(shared: I64, size_a: I64, size_b: I64, config: Config) -> npt.NDArray[np.int8]:
    """The relations the overlap alone gives (before the template test), as codes of
    :mod:`dedupe.relations` (-1: none). The same floating-point divisions as :class:`Scores`.

    ``duplicate``: Jaccard ≥ ``duplicate_jaccard``; ``near_duplicate``: Jaccard ≥
    ``near_duplicate_jaccard`` and each text at least ``near_duplicate_min_containment`` inside
    the other; ``partial``: one text at least ``partial_containment`` inside the other; none
    of them below ``min_shared_shingles`` shared (unless a duplicate).
    """
    shared_f = shared.astype(np.float64)
    union = size_a + size_b - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, shared_f / union, 0.0)
        c_a = np.where(size_a > 0, shared_f / size_a, 0.0)
        c_b = np.where(size_b > 0, shared_f / size_b, 0.0)
    low, high = np.minimum(c_a, c_b), np.maximum(c_a, c_b)
    duplicate = jaccard >= config.duplicate_jaccard
    near = ~duplicate & (jaccard >= config.near_duplicate_jaccard) & (low >= config.near_duplicate_min_containment)
    partial = ~duplicate & ~near & (high >= config.partial_containment)
    codes = np.full(len(shared), NO_RELATION, dtype=np.int8)
    codes[partial] = kind("partial").code
    codes[near] = kind("near_duplicate").code
    codes[duplicate] = kind("duplicate").code
    codes[(shared < config.min_shared_shingles) & (jaccard < config.duplicate_jaccard)] = NO_RELATION
    return codes


def _mark_templates(
    codes: npt.NDArray[np.int8], maybe: I64, i: I64, j: I64, sizes: I64, weekdays: I64, facts: FactSource, config: Config,
) -> None:
    """Set the relation of the pairs ``maybe`` (indices into ``i``, ``j`` and ``codes``) that are
    templates: different weekdays named, or fewer than ``template_fact_overlap`` of the smaller
    document's facts (at least ``template_min_facts`` of them) found in the larger."""
    wi, wj = weekdays[i[maybe]], weekdays[j[maybe]]
    template = (wi != 0) & (wj != 0) & ((wi & wj) == 0)
    rest = maybe[~template]
    small = np.where(sizes[i[rest]] <= sizes[j[rest]], i[rest], j[rest])
    large = np.where(sizes[i[rest]] <= sizes[j[rest]], j[rest], i[rest])
    fact_docs, fact_of = np.unique(small, return_inverse=True)
    fact_sets = [facts.facts(int(d)) for d in fact_docs]
    counts = np.fromiter((len(f) for f in fact_sets), dtype=np.int64, count=len(fact_sets))[fact_of]
    enough = np.flatnonzero(counts >= config.template_min_facts)
    vocab_docs, vocab_of = np.unique(large[enough], return_inverse=True)
    found = cross_counts(
        fact_sets, [facts.vocab(int(d)) for d in vocab_docs], np.stack([fact_of[enough], vocab_of], axis=1).astype(np.int64),
    )
    slot = np.zeros(len(rest), dtype=np.bool_)
    with np.errstate(divide="ignore", invalid="ignore"):
        slot[enough] = found.astype(np.float64) / counts[enough] < config.template_fact_overlap
    codes[maybe[template]] = _TEMPLATE
    codes[rest[slot]] = _TEMPLATE


def relations(
    shared: I64, i: I64, j: I64, sizes: I64, weekdays: I64, facts: FactSource, config: Config, *, chunk: int = _TEMPLATE_CHUNK,
) -> npt.NDArray[np.int8]:
    """The relation of each pair ``(i[k], j[k])`` sharing ``shared[k]`` shingles, as codes of
    :mod:`dedupe.relations` (-1: none): the overlap's relation (:func:`relation_codes`), then
    the template test on the pairs below ``template_max_jaccard`` (closer pairs are copies
    whatever their facts). ``sizes`` and ``weekdays`` (:func:`dedupe.facts.weekday_mask`) are
    per document, ``facts`` gives each document's facts and vocabulary; the template test reads
    them for ``chunk`` pairs at a time."""
    codes = relation_codes(shared, sizes[i], sizes[j], config)
    maybe = np.flatnonzero((codes >= 0) & (jaccards(shared, sizes[i], sizes[j]) < config.template_max_jaccard))
    # A slice at a time: the test reads the documents' facts and vocabularies into memory.
    for lo in range(0, len(maybe), chunk):
        _mark_templates(codes, maybe[lo : lo + chunk], i, j, sizes, weekdays, facts, config)
    return codes


def relation_of(shared: int, sizes: tuple[int, int], weekdays: tuple[int, int], facts: FactSource, config: Config) -> Relation:
    """:func:`relations` of one pair (documents 0 and 1 of ``facts``)."""
    n = np.array([shared], dtype=np.int64)
    code = relations(n, np.zeros(1, np.int64), np.ones(1, np.int64), np.array(sizes, np.int64), np.array(weekdays, np.int64), facts, config)
    return by_code(int(code[0])).name


# ---------------------------------------------------------------------------------- the scan's pairs


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

    def __len__(self) -> int:
        return len(self.a)

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


def pair_of(a: str, b: str, relation: Relation, s: Scores, found: Iterable[Passage] = ()) -> Pair:
    """The :class:`~dedupe.models.Pair` of documents ``a`` and ``b`` (scores rounded to 4 places)."""
    return Pair(
        a, b, relation,
        round(s.jaccard, 4), round(s.containment_a_in_b, 4), round(s.containment_b_in_a, 4),
        s.shared, s.size_a, s.size_b, tuple(found),
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
        return pair_of(self._docs[int(cols.a[p])].id, self._docs[int(cols.b[p])].id, RELATIONS[cols.code[p]], cols.scores(p))


def verify_candidates(
    cands: I64, shingles: Ragged, weekdays: I64, facts: FactSource, config: Config, progress: Progress,
    *, chunk: int = _VERIFY_CHUNK, template_chunk: int = _TEMPLATE_CHUNK,
) -> PairColumns:
    """Exact verification of the candidate pairs (sorted codes ``i * n + j``), ``chunk`` (a
    million) at a time, the template test ``template_chunk`` pairs at a time. Only the verified pairs are kept, as 32-bit columns, ordered by first then second
    document (a chunk of passages then reads each document once or a few times)."""
    progress("verify", 0, len(cands))
    n_docs = len(shingles)
    sizes = shingles.lengths()
    kept: list[tuple[I32, I32, I32, npt.NDArray[np.int8]]] = []
    for start in range(0, len(cands), chunk):
        part = decode(cands[start : start + chunk], n_docs)
        i, j = part[:, 0], part[:, 1]
        shared = shared_counts(shingles, part)
        codes = relations(shared, i, j, sizes, weekdays, facts, config, chunk=template_chunk)
        keep = np.flatnonzero(codes >= 0)
        kept.append((i[keep].astype(np.int32), j[keep].astype(np.int32), shared[keep].astype(np.int32), codes[keep]))
        progress("verify", start + len(part), len(cands))
    progress("verify", len(cands), len(cands))
    if not kept:
        return PairColumns.empty()
    a, b, n, code = (np.concatenate(column) for column in zip(*kept))
    del kept
    return PairColumns(a, b, n, sizes[a].astype(np.int32), sizes[b].astype(np.int32), code)
