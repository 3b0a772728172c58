"""Exact verification of candidate pairs, and the one function that says what relation a pair
bears (:func:`relations`), used by ``scan``, ``compare`` and ``check`` alike.

A candidate pair is verified on the two documents' exact shingle sets: the shared count (a
merge walk over sorted arrays, compiled by numba when installed), the Jaccard similarity and
the containment of each in the other. :func:`relations` turns those into relation codes (the
rows of :mod:`dedupe.relations`), lets the shared passages' evidence (:mod:`dedupe.passages`)
find partial copies, shared quotations and formulas whose numbers and places the edits change
(:mod:`dedupe.slots`), then runs the template tests: of two whole copies,
two texts naming only different weekdays report different days, and a pair whose smaller
document's facts (:mod:`dedupe.facts`) are mostly missing from the larger shares a formula,
not a story; of a partial pair, one whose shared anchors recur over many documents and days
(:class:`~dedupe.candidates.AnchorFrequency`) shares a formula. A scan verifies millions of pairs a chunk at a time and keeps only the verified
ones, as 32-bit columns (:class:`~dedupe.pairs.PairColumns`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ._infra import jit
from ._infra.ragged import Ragged
from .candidates import AnchorFrequency, decode
from .config import Config
from .facts import FactSource
from .models import EVIDENCE_FIELDS, Evidence
from .pairs import PairColumns, Scores
from .relations import NO_RELATION, RELATIONS, Relation, by_code, kind

__all__ = [
    "cross_counts", "evidence_rows", "jaccards", "relation_codes", "relation_of", "relations", "score", "shared_counts",
    "verify_candidates", "worth_aligning",
]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Progress = Callable[[str, int, int | None], None]

_TEMPLATE = kind("template").code
_PARTIAL = kind("partial").code
_QUOTE = kind("quote").code
_EDITED = np.array([kind("near_duplicate").code, kind("partial").code], dtype=np.int8)
_WHOLE = np.array(sorted(kind(r).code for r in RELATIONS if kind(r).clusters), dtype=np.int8)
_REUSE = np.array(sorted(kind(r).code for r in RELATIONS if kind(r).reuse), dtype=np.int8)
_MIN_COVERED = 12
"""Tokens the passages need to cover before their share of a short text counts."""
_VERIFY_CHUNK = 1_000_000
_TEMPLATE_CHUNK = 100_000


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
    """Set the relation of the whole-copy pairs ``maybe`` (indices into ``i``, ``j`` and ``codes``)
    that are templates: naming only different weekdays (another day's bulletin), or with fewer
    than ``template_fact_overlap`` of the smaller document's facts (at least
    ``template_min_facts`` of them) found in the larger. A partial pair is not tested so: the
    texts around its shared passages are other stories, whose facts differ anyway (read blind, 25
    of 40 SaudiNewsNet pairs and 32 of 40 ANT pairs that this test made templates were reuse)."""
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


def worth_aligning(shared: I64, size_a: I64, size_b: I64, codes: npt.NDArray[np.int8], config: Config) -> npt.NDArray[np.bool_]:
    """The candidates whose passages can change their relation, or that bear one: the pairs a
    scan aligns (and ``compare`` and ``check`` with it)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        contained = np.nan_to_num(np.maximum(shared / size_a, shared / size_b))
    return (codes >= 0) | ((shared >= config.evidence_min_shared) & (contained >= config.evidence_min_containment))


def _from_passages(codes: npt.NDArray[np.int8], shared: I64, evidence: I64, config: Config) -> None:
    """What the shared passages say, on top of the overlap's relation (in place): a partial copy
    the whole texts' overlap hides, a statement both quote, a formula whose numbers and places
    the edits change."""
    e = {name: evidence[:, k].astype(np.float64) for k, name in enumerate(EVIDENCE_FIELDS)}
    a_shorter = e["tokens_a"] <= e["tokens_b"]
    covered = np.where(a_shorter, e["covered_a"], e["covered_b"])
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.nan_to_num(covered / np.where(a_shorter, e["tokens_a"], e["tokens_b"]))
        quoted = np.nan_to_num(np.maximum(e["quoted_a"] / e["covered_a"], e["quoted_b"] / e["covered_b"]))
    sentences = np.minimum(e["sentences_a"], e["sentences_b"])
    in_passages = (sentences >= config.partial_min_sentences) | ((coverage >= config.partial_min_coverage) & (covered >= _MIN_COVERED))
    codes[(codes < 0) & (shared >= config.evidence_min_shared) & (evidence[:, 2] + evidence[:, 3] > 0) & in_passages] = _PARTIAL
    reuse = np.isin(codes, _REUSE)
    codes[reuse & (quoted >= config.quote_min_share) & (coverage < config.quote_max_coverage)] = _QUOTE
    if config.partial_min_matched:
        # Sentences said again in other words: a rewritten copy the shingles miss, a quotation
        # both give (most of the matched sentences in quotes in both texts), or a formula.
        matched = e["sentences_matched"]
        reworded = (codes < 0) & (matched >= config.partial_min_matched)
        codes[reworded] = np.where(2 * e["sentences_matched_quoted"][reworded] > matched[reworded], _QUOTE, _PARTIAL)
        # Most of the matched sentences name other numbers or places: a formula filled in again.
        codes[reworded & (2 * e["sentences_matched_changed"] > matched)] = _TEMPLATE
    if config.template_slot_changes:
        # The frame kept, its numbers and places changed: a formula filled in again, not a copy.
        changed = e["slot_changes"]
        slots = (changed >= config.template_slot_changes) & (changed > e["slots_kept"])
        codes[np.isin(codes, _EDITED) & slots] = _TEMPLATE


def _mark_formulas(codes: npt.NDArray[np.int8], partial: I64, i: I64, j: I64, anchors: AnchorFrequency, config: Config) -> None:
    """Set the relation of the partial pairs ``partial`` whose shared wording is a formula: of at
    least ``formula_min_anchors`` shared anchors, half or more held by ``formula_min_docs``
    documents on ``formula_min_days`` days (another day's bulletin, a cable to another country:
    the formula recurs day after day, a copied passage lives in its copies of a few days)."""
    if not len(partial):
        return
    own: dict[int, U32] = {}
    for d in np.unique(np.concatenate([i[partial], j[partial]])).tolist():
        own[d] = anchors.anchors(d)
    common = [np.intersect1d(own[a], own[b], assume_unique=True) for a, b in zip(i[partial].tolist(), j[partial].tolist())]
    counts = np.fromiter((len(c) for c in common), dtype=np.int64, count=len(common))
    enough = np.flatnonzero(counts >= config.formula_min_anchors)
    if not len(enough):
        return
    # One lookup for all the pairs' anchors (a check asks its index once).
    docs, days = anchors.spread(np.concatenate([common[k] for k in enough.tolist()]))
    recurring = ((docs >= config.formula_min_docs) & (days >= config.formula_min_days)).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(counts[enough])[:-1]])
    formula = 2 * np.add.reduceat(recurring, starts) >= counts[enough]
    codes[partial[enough[formula]]] = _TEMPLATE


def relations(
    shared: I64, i: I64, j: I64, sizes: I64, weekdays: I64, facts: FactSource, config: Config, *,
    evidence: I64 | None = None, anchors: AnchorFrequency | None = None, chunk: int = _TEMPLATE_CHUNK,
) -> npt.NDArray[np.int8]:
    """The relation of each pair ``(i[k], j[k])`` sharing ``shared[k]`` shingles, as codes of
    :mod:`dedupe.relations` (-1: none): the overlap's relation (:func:`relation_codes`); then,
    with the pairs' passage ``evidence`` (rows of :data:`EVIDENCE_FIELDS`), partial copies the
    overlap hides and statements both quote; then the template tests: of the whole copies below
    ``template_max_jaccard`` (closer pairs are copies whatever their facts), their weekdays and
    facts; of the partial pairs, with ``anchors``, whether what they share is a formula.
    ``sizes`` and ``weekdays`` (:func:`dedupe.facts.weekday_mask`) are per document, ``facts``
    gives each document's facts and vocabulary; the fact test reads them for ``chunk`` pairs at
    a time."""
    codes = relation_codes(shared, sizes[i], sizes[j], config)
    jaccard = jaccards(shared, sizes[i], sizes[j])
    if evidence is not None:
        _from_passages(codes, shared, evidence, config)
    maybe = np.flatnonzero(np.isin(codes, _WHOLE) & (jaccard < config.template_max_jaccard))
    # A slice at a time: the test reads the documents' facts and vocabularies into memory.
    for lo in range(0, len(maybe), chunk):
        _mark_templates(codes, maybe[lo : lo + chunk], i, j, sizes, weekdays, facts, config)
    if anchors is not None and anchors.documents >= config.template_min_corpus:
        _mark_formulas(codes, np.flatnonzero(codes == _PARTIAL), i, j, anchors, config)
    return codes


def relation_of(shared: int, sizes: tuple[int, int], weekdays: tuple[int, int], facts: FactSource, config: Config) -> Relation:
    """:func:`relations` of one pair (documents 0 and 1 of ``facts``), from its overlap alone."""
    n = np.array([shared], dtype=np.int64)
    code = relations(n, np.zeros(1, np.int64), np.ones(1, np.int64), np.array(sizes, np.int64), np.array(weekdays, np.int64), facts, config)
    return by_code(int(code[0])).name


def evidence_rows(found: Iterable[Evidence]) -> I64:
    """Evidence as rows of :data:`EVIDENCE_FIELDS`."""
    rows = [[getattr(e, name) for name in EVIDENCE_FIELDS] for e in found]
    return np.array(rows, dtype=np.int64).reshape(len(rows), len(EVIDENCE_FIELDS))


def verify_candidates(
    cands: I64, shingles: Ragged, config: Config, progress: Progress, *, always: I64 | None = None, chunk: int = _VERIFY_CHUNK,
) -> PairColumns:
    """Exact scores of the candidate pairs (sorted codes ``i * n + j``), ``chunk`` (a million) at a
    time. Kept, as 32-bit columns ordered by first then second document (a chunk of the alignment
    then reads each document once or a few times), are the pairs whose overlap is reuse and those
    sharing ``evidence_min_shared`` shingles, with the overlap's relation (:func:`relation_codes`)
    as a first answer: the passages decide the rest (:func:`relations`). The pairs ``always``
    (sorted codes: those the sentence channel found) are kept whatever their overlap."""
    progress("verify", 0, len(cands))
    n_docs = len(shingles)
    sizes = shingles.lengths()
    kept: list[tuple[I32, I32, I32, npt.NDArray[np.int8]]] = []
    for start in range(0, len(cands), chunk):
        part = decode(cands[start : start + chunk], n_docs)
        i, j = part[:, 0], part[:, 1]
        shared = shared_counts(shingles, part)
        codes = relation_codes(shared, sizes[i], sizes[j], config)
        worth = worth_aligning(shared, sizes[i], sizes[j], codes, config)
        if always is not None and len(always):
            worth |= np.isin(cands[start : start + chunk], always, assume_unique=True)
        keep = np.flatnonzero(worth)
        kept.append((i[keep].astype(np.int32), j[keep].astype(np.int32), shared[keep].astype(np.int32), codes[keep]))
        progress("verify", start + len(part), len(cands))
    progress("verify", len(cands), len(cands))
    if not kept:
        return PairColumns.empty()
    a, b, n, code = (np.concatenate(column) for column in zip(*kept))
    del kept
    return PairColumns(a, b, n, sizes[a].astype(np.int32), sizes[b].astype(np.int32), code)
