"""Shared passages: the stretches of text two documents share, and what they show.

The shared shingles of a pair are aligned in document order (:func:`diagonal_runs`): runs that
are consecutive in both documents, merged into passages across small gaps (one changed word
breaks ``n`` shingles, so gaps up to ``2n`` in both documents are edits inside one passage).
:func:`align` turns them into the pair's :class:`~dedupe.models.Evidence` — how much of each
text and how many of its sentences the passages cover, how much of them stands in quotation
marks, which numbers and places the edits between them change (:mod:`dedupe.slots`) — from which :mod:`dedupe.verify` decides the relation, and into the longest ``max_passages`` :class:`~dedupe.models.Passage` objects,
located in both raw texts through :mod:`dedupe.locate`. The alignment loop is written once in
plain Python (:func:`_runs_kernel`) and compiled by numba when installed; :func:`_runs_python`
is the dictionary-based reference it is tested against.

:func:`align_pairs` is the scan's stage: every candidate worth aligning, a chunk of pairs at a
time in worker processes, each chunk reading its documents' spool records (:mod:`dedupe.prepare`).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from ._infra import jit
from ._infra.parallel import ordered_map
from ._infra.ragged import Ragged
from ._infra.records import RecordFile
from .config import Config
from .locate import Located, Marks, locate, marks
from .models import Document, Evidence, Passage, Span
from .prepare import decode_record, worker_hasher
from .shingles import TokenHasher
from .sentences import Sentences, matched, same_outlet, sentences_of, side_sentences
from .slots import slot_ids, slot_changes
from .pairs import PairColumns

__all__ = ["Side", "align", "align_pairs", "aligned_runs", "diagonal_runs", "merged", "passages"]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
Run = tuple[int, int, int, int, int]
Progress = Callable[[str, int, int | None], None]

_CHUNK = 5000
"""Candidate pairs one worker aligns at a time. A chunk builds the side of each document it
names once: at 2,000 pairs the chunks of SaudiNewsNet built 25,151 sides of 15,220 documents,
at 5,000 19,621."""


def _runs_kernel(a: Any, b: Any, shared: Any, gap_a: Any, gap_b: Any) -> Any:
    """:func:`_runs_python` over arrays (compiled by numba): the diagonal runs as rows
    ``(a_first, a_last, b_first, b_last, count, group)``, ``group`` numbering the passages they
    are merged into."""
    order = np.argsort(b, kind="mergesort")  # stable: equal values keep their first position first
    sorted_b = b[order]
    out = np.empty((len(a), 6), dtype=np.int64)
    k = 0
    for pos in range(len(a)):
        h = a[pos]
        s = np.searchsorted(shared, h)
        if s >= len(shared) or shared[s] != h:
            continue
        q = np.searchsorted(sorted_b, h)
        if q >= len(sorted_b) or sorted_b[q] != h:
            continue
        nxt = out[k - 1, 3] + 1 if k > 0 else 0
        if k > 0 and out[k - 1, 1] == pos - 1 and nxt < len(b) and b[nxt] == h:
            out[k - 1, 1] = pos
            out[k - 1, 3] = nxt
            out[k - 1, 4] += 1
        else:
            first = order[q]
            out[k, 0] = pos
            out[k, 1] = pos
            out[k, 2] = first
            out[k, 3] = first
            out[k, 4] = 1
            k += 1
    group = -1
    for r in range(k):
        if group >= 0 and 0 < out[r, 0] - out[r - 1, 1] <= gap_a and 0 < out[r, 2] - out[r - 1, 3] <= gap_b:
            out[r, 5] = group
        else:
            group += 1
            out[r, 5] = group
    return out[:k]


def _runs_python(a: U32, b: U32, shared: U32, gap_a: int, gap_b: int) -> npt.NDArray[np.int64]:
    """Diagonal runs of shared shingles (consecutive in both documents), each with the passage
    it is merged into: the dictionary-based reference of :func:`_runs_kernel`."""
    shared_set = set(shared.tolist())
    where_b: dict[int, list[int]] = {}
    for pos, h in enumerate(b.tolist()):
        if h in shared_set:
            where_b.setdefault(h, []).append(pos)
    diagonal: list[list[int]] = []
    for pos, h in enumerate(a.tolist()):
        targets = where_b.get(h)
        if not targets:
            continue
        if diagonal and diagonal[-1][1] == pos - 1 and diagonal[-1][3] + 1 in targets:
            run = diagonal[-1]
            run[1], run[3], run[4] = pos, run[3] + 1, run[4] + 1
        else:
            diagonal.append([pos, pos, targets[0], targets[0], 1])
    group = -1
    for k, run in enumerate(diagonal):
        last = diagonal[k - 1] if k else None
        if last is not None and 0 < run[0] - last[1] <= gap_a and 0 < run[2] - last[3] <= gap_b:
            run.append(group)
        else:
            group += 1
            run.append(group)
    return np.array(diagonal, dtype=np.int64).reshape(len(diagonal), 6)


def diagonal_runs(a: Located, b: Located, shared: U32, compiled: bool | None = None) -> npt.NDArray[np.int64]:
    """The diagonal runs of shared shingles of ``a`` and ``b``, as rows ``(a_first, a_last,
    b_first, b_last, count, group)`` in ``a``'s order. Runs are merged into one passage across
    small gaps (one changed word breaks ``n`` shingles, so gaps up to ``2n`` in both documents
    are edits inside one passage): ``group`` numbers the passages. ``compiled``: the numba kernel
    (default: when numba is already loaded in this process)."""
    if compiled is None:
        compiled = jit.loaded()
    gap_a, gap_b = 2 * a.n + 1, 2 * b.n + 1
    if compiled:
        found: npt.NDArray[np.int64] = jit.compiled(_runs_kernel)(
            np.ascontiguousarray(a.shingles, dtype=np.uint32), np.ascontiguousarray(b.shingles, dtype=np.uint32),
            np.ascontiguousarray(shared, dtype=np.uint32), np.int64(gap_a), np.int64(gap_b),
        )
        return found
    return _runs_python(a.shingles, b.shingles, shared, gap_a, gap_b)


def _merged_kernel(d: Any) -> Any:
    """:func:`merged` as one loop (compiled by numba)."""
    out = np.empty((len(d), 5), dtype=np.int64)
    k = -1
    for r in range(len(d)):
        if r == 0 or d[r, 5] != d[r - 1, 5]:
            k += 1
            out[k, 0] = d[r, 0]
            out[k, 2] = d[r, 2]
            out[k, 4] = 0
        out[k, 1] = d[r, 1]
        out[k, 3] = d[r, 3]
        out[k, 4] += d[r, 4]
    return out[: k + 1]


def merged(diagonals: npt.NDArray[np.int64], compiled: bool | None = None) -> npt.NDArray[np.int64]:
    """The passages of :func:`diagonal_runs`: rows ``(a_first, a_last, b_first, b_last, count)``
    (``compiled`` as for :func:`diagonal_runs`)."""
    if len(diagonals) == 0:
        return np.empty((0, 5), dtype=np.int64)
    if jit.loaded() if compiled is None else compiled:
        found: npt.NDArray[np.int64] = jit.compiled(_merged_kernel)(np.ascontiguousarray(diagonals, dtype=np.int64))
        return found
    first = np.flatnonzero(np.diff(diagonals[:, 5], prepend=-1))
    last = np.append(first[1:], len(diagonals)) - 1
    counts = np.add.reduceat(diagonals[:, 4], first)
    return np.stack([diagonals[first, 0], diagonals[last, 1], diagonals[first, 2], diagonals[last, 3], counts], axis=1)


def aligned_runs(a: Located, b: Located, shared: U32, compiled: bool | None = None) -> list[Run]:
    """Aligned runs of shared shingles, merged into passages: (a_first, a_last, b_first, b_last,
    shingle count); see :func:`diagonal_runs`."""
    return [(r[0], r[1], r[2], r[3], r[4]) for r in merged(diagonal_runs(a, b, shared, compiled), compiled).tolist()]


def _field_span(loc: Located, first_token: int, last_token: int) -> Span:
    # A passage does not cross from the title into the text: cut it at the field's end.
    field_is_title = bool(loc.in_title[first_token])
    end = last_token
    while bool(loc.in_title[end]) != field_is_title:
        end -= 1
    return Span("title" if field_is_title else "text", int(loc.starts[first_token]), int(loc.ends[end]))


def _excerpt(doc: Document, span: Span) -> str:
    return (doc.title if span.field == "title" else doc.text)[span.start : span.end]


def _passages_of(a: Document, la: Located, b: Document, lb: Located, runs: npt.NDArray[np.int64], limit: int) -> list[Passage]:
    """The ``limit`` longest of the passages ``runs``, in the order they appear in ``a``."""
    ordered = sorted(runs.tolist(), key=lambda r: -r[4])[:limit]
    out = []
    for a_first, a_last, b_first, b_last, count in sorted(ordered, key=lambda r: r[0]):
        span_a = _field_span(la, a_first, a_last + la.n - 1)
        span_b = _field_span(lb, b_first, b_last + lb.n - 1)
        out.append(Passage(span_a, span_b, _excerpt(a, span_a), _excerpt(b, span_b), count))
    return out


# ---------------------------------------------------------------------------------- evidence

MIN_SENTENCE = 6
"""Tokens a sentence needs to count as shared when most of it is inside passages."""
_SENTENCE_COVERED = 0.6


def _covered(count: int, spans: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Tokens inside any of the token ranges ``spans`` (rows ``first, last``, inclusive)."""
    edges = np.bincount(spans[:, 0], minlength=count + 1) - np.bincount(np.minimum(spans[:, 1] + 1, count), minlength=count + 1)
    return np.cumsum(edges[:-1]) > 0


def _sentences(covered: npt.NDArray[np.bool_], sentence: npt.NDArray[np.int32]) -> int:
    size = np.bincount(sentence)
    inside = np.bincount(sentence[covered], minlength=len(size))
    return int(np.count_nonzero((size >= MIN_SENTENCE) & (inside >= _SENTENCE_COVERED * size)))


def _side_kernel(first: Any, last: Any, count: Any, sentence: Any, quoted: Any, min_sentence: Any, share: Any) -> Any:
    """What the passages cover of one text, in one pass (compiled by numba): its tokens inside
    the token ranges ``first[k]..last[k]``, its sentences (of ``min_sentence`` tokens or more)
    with ``share`` of them inside, and its covered tokens inside quotation marks."""
    covered = np.zeros(count, dtype=np.bool_)
    for r in range(len(first)):
        for t in range(first[r], min(last[r] + 1, count)):
            covered[t] = True
    n_sentences = sentence[count - 1] + 1 if count else 0
    size = np.zeros(n_sentences, dtype=np.int64)
    inside = np.zeros(n_sentences, dtype=np.int64)
    tokens = 0
    in_quotes = 0
    for t in range(count):
        size[sentence[t]] += 1
        if covered[t]:
            inside[sentence[t]] += 1
            tokens += 1
            if quoted[t]:
                in_quotes += 1
    sentences = 0
    for k in range(n_sentences):
        if size[k] >= min_sentence and inside[k] >= share * size[k]:
            sentences += 1
    return tokens, sentences, in_quotes


def _side(loc: Located, m: Marks, first: npt.NDArray[np.int64], last: npt.NDArray[np.int64], compiled: bool) -> tuple[int, int, int]:
    count = len(loc.starts)
    if compiled:
        tokens, sentences, in_quotes = jit.compiled(_side_kernel)(
            np.ascontiguousarray(first), np.ascontiguousarray(last), np.int64(count), m.sentence, m.quoted,
            np.int64(MIN_SENTENCE), np.float64(_SENTENCE_COVERED),
        )
        return int(tokens), int(sentences), int(in_quotes)
    covered = _covered(count, np.stack([first, last], axis=1))
    return int(covered.sum()), _sentences(covered, m.sentence), int((covered & m.quoted).sum())


def _evidence(
    a: Side, b: Side, diagonal: npt.NDArray[np.int64], runs: npt.NDArray[np.int64], threshold: float, compiled: bool | None = None,
) -> Evidence:
    la, lb = a.located, b.located
    ta, tb = len(la.starts), len(lb.starts)
    use = jit.loaded() if compiled is None else compiled
    # Within one outlet sentences said again are its own furniture and background, not a copy.
    said = (0, 0, 0) if same_outlet(a.doc.outlet, b.doc.outlet) else matched(a.sentences, b.sentences, threshold, use)
    if len(runs) == 0:
        return Evidence(ta, tb, 0, 0, 0, 0, 0, 0, 0, 0, *said)
    ca, sa, qa = _side(la, a.marks, runs[:, 0], runs[:, 1] + la.n - 1, use)
    cb, sb, qb = _side(lb, b.marks, runs[:, 2], runs[:, 3] + lb.n - 1, use)
    changed, kept = slot_changes(diagonal, la, a.slots, lb, b.slots, use)
    return Evidence(ta, tb, ca, cb, sa, sb, qa, qb, changed, kept, *said)


@dataclass(frozen=True, slots=True)
class Side:
    """One document as the alignment reads it: raw text, located tokens, their marks and their
    slots (computed once a document, however many pairs it is in)."""

    doc: Document
    located: Located
    marks: Marks
    slots: U64
    """Each located token's slot id (:func:`dedupe.slots.slot_ids`; 0 for none)."""
    sentences: Sentences
    """Its sentences as sets of tokens (:mod:`dedupe.sentences`), for sentences matched in other words."""

    @classmethod
    def of(cls, doc: Document, located: Located, kept: U32 | None = None) -> Side:
        """``kept``: the document's shingle set as the pair is verified on (page furniture and
        outlet boilerplate out); its sentences outside it do not count."""
        m = marks(doc, located)
        slots = slot_ids(doc, located, m)
        found = sentences_of(located, m, slots=slots) if kept is None else side_sentences(located, m, kept, slots)
        return cls(doc, located, m, slots, found)


def _runs(la: Located, lb: Located, shared: U32, compiled: bool | None) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The diagonal runs of two located documents, and the passages (:func:`merged` runs) that count."""
    if not len(shared):
        return np.empty((0, 6), dtype=np.int64), np.empty((0, 5), dtype=np.int64)
    diagonal = diagonal_runs(la, lb, shared, compiled)
    runs = merged(diagonal, compiled)
    # A one-shingle run is chance unless the texts share almost nothing else.
    return diagonal, runs[(runs[:, 4] >= 2) | (len(shared) < 4)]


def align(
    a: Side, b: Side, shared: U32, config: Config, *, with_passages: bool = True, compiled: bool | None = None,
) -> tuple[Evidence, list[Passage]]:
    """Align two documents on their shared shingles: what the passages show
    (:class:`~dedupe.models.Evidence`) and, with ``with_passages``, the ``max_passages`` longest
    of them as raw spans in both texts."""
    la, lb = a.located, b.located
    diagonal, runs = _runs(la, lb, shared, compiled)
    found = _passages_of(a.doc, la, b.doc, lb, runs, config.max_passages) if with_passages and config.max_passages else []
    return _evidence(a, b, diagonal, runs, config.sentence_min_jaccard, compiled), found


def passages(
    a: Document, b: Document, shared: U32, config: Config, hasher: TokenHasher,
    located: tuple[Located, Located] | None = None, *, compiled: bool | None = None,
) -> list[Passage]:
    """The stretches of text ``a`` and ``b`` share, as raw character spans in both: the longest
    ``max_passages`` passages of :func:`align`, in the order they appear in ``a``."""
    if len(shared) == 0:
        return []
    la, lb = located or (locate(a, config, hasher), locate(b, config, hasher))
    return _passages_of(a, la, b, lb, _runs(la, lb, shared, compiled)[1], config.max_passages)


# ---------------------------------------------------------------------------------- the scan's stage


def _align_chunk(
    items: list[tuple[int, int]], metas: dict[int, Document], records: dict[int, bytes], sets: dict[int, U32], config: Config,
) -> list[tuple[Evidence, bytes]]:
    """Evidence and pickled passages (a tuple) for one chunk of candidate pairs (runs in a
    worker process): the documents' spool records are decoded here, not in the process that
    reads them."""
    hasher = worker_hasher()
    compiled = jit.available()
    sides: dict[int, Side] = {}
    for k, record in records.items():
        title, text, loc = decode_record(record)
        doc = replace(metas[k], text=text, title=title)
        sides[k] = Side.of(doc, loc if loc is not None else locate(doc, config, hasher), sets[k])
    found = [align(sides[i], sides[j], np.intersect1d(sets[i], sets[j], assume_unique=True), config, compiled=compiled) for i, j in items]
    # Passages leave the worker pickled, and reach the pair store as they came: the process
    # that keeps them does not take them apart and put them together again.
    return [(evidence, pickle.dumps(tuple(passages), protocol=pickle.HIGHEST_PROTOCOL)) for evidence, passages in found]


def align_pairs(
    candidates: PairColumns, docs: Sequence[Document], spool: RecordFile, sets: Ragged, config: Config, progress: Progress, jobs: int,
) -> Iterator[tuple[int, int, list[tuple[Evidence, bytes]]]]:
    """Align every candidate pair, in chunks (in worker processes when ``jobs`` > 1): ``(start,
    stop, [(evidence, pickled passages)…])`` for the candidates ``start:stop``, in order (the
    passages as :meth:`dedupe._infra.pairstore.PairStore.add` takes them). Pairs come
    ordered by their first document, so a chunk reads each document once or a few times; only a
    few chunks' raw text and passages are in memory at any time. ``docs`` are the documents
    without their text (the text is in ``spool``, one record per document)."""
    bounds = [(k, min(k + _CHUNK, len(candidates))) for k in range(0, len(candidates), _CHUNK)]

    def work() -> Iterator[tuple[tuple[int, int], tuple[Any, ...]]]:
        for start, stop in bounds:
            items = list(zip(candidates.a[start:stop].tolist(), candidates.b[start:stop].tolist()))
            metas: dict[int, Document] = {}
            records: dict[int, bytes] = {}
            chunk_sets: dict[int, U32] = {}
            for i, j in items:
                for k in (i, j):
                    if k not in records:
                        records[k] = spool.read(k)
                        metas[k] = docs[k]
                        chunk_sets[k] = sets[k]
            yield (start, stop), (items, metas, records, chunk_sets, config)

    done = 0
    for (start, stop), found in ordered_map(_align_chunk, work(), jobs if len(bounds) > 1 else 1):
        done += stop - start
        progress("passages", done, len(candidates))
        yield start, stop, found
    progress("passages", len(candidates), len(candidates))
