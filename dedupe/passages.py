"""Shared passages: the stretches of text two documents share, as raw character spans in both.

The shared shingles of a pair are aligned in document order (:func:`aligned_runs`): runs that
are consecutive in both documents, then merged across small gaps (one changed word breaks
``n`` shingles, so gaps up to ``2n`` in both documents are edits inside one passage). The
longest ``max_passages`` runs become :class:`~dedupe.models.Passage` objects, each located in
both raw texts through :mod:`dedupe.locate`. The alignment loop is written once in plain
Python (:func:`_runs_kernel`) and compiled by numba when installed; :func:`_runs_python` is
the dictionary-based reference it is tested against.

:func:`add_passages` is the scan's stage: every verified pair, a chunk of pairs at a time in
worker processes, each chunk reading its documents' spool records (:mod:`dedupe.prepare`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from ._infra import jit
from ._infra.parallel import ordered_map
from ._infra.pairstore import PairStore
from ._infra.ragged import Ragged
from ._infra.records import RecordFile
from .config import Config
from .locate import Located, Marks, locate
from .models import Document, Pair, Passage, Span
from .prepare import decode_record, worker_hasher
from .relations import Relation
from .shingles import TokenHasher
from .verify import PairColumns, Scores, pair_of

__all__ = ["add_passages", "aligned_runs", "passages"]

U32 = npt.NDArray[np.uint32]
Run = tuple[int, int, int, int, int]
Progress = Callable[[str, int, int | None], None]

_CHUNK = 2000
"""Verified pairs whose passages one worker locates at a time."""


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


def merged(diagonals: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The passages of :func:`diagonal_runs`: rows ``(a_first, a_last, b_first, b_last, count)``."""
    if len(diagonals) == 0:
        return np.empty((0, 5), dtype=np.int64)
    first = np.flatnonzero(np.diff(diagonals[:, 5], prepend=-1))
    last = np.append(first[1:], len(diagonals)) - 1
    counts = np.add.reduceat(diagonals[:, 4], first)
    return np.stack([diagonals[first, 0], diagonals[last, 1], diagonals[first, 2], diagonals[last, 3], counts], axis=1)


def aligned_runs(a: Located, b: Located, shared: U32, compiled: bool | None = None) -> list[Run]:
    """Aligned runs of shared shingles, merged into passages: (a_first, a_last, b_first, b_last,
    shingle count); see :func:`diagonal_runs`."""
    return [(r[0], r[1], r[2], r[3], r[4]) for r in merged(diagonal_runs(a, b, shared, compiled)).tolist()]


def _field_span(loc: Located, first_token: int, last_token: int) -> Span:
    # A passage does not cross from the title into the text: cut it at the field's end.
    field_is_title = bool(loc.in_title[first_token])
    end = last_token
    while bool(loc.in_title[end]) != field_is_title:
        end -= 1
    return Span("title" if field_is_title else "text", int(loc.starts[first_token]), int(loc.ends[end]))


def _excerpt(doc: Document, span: Span) -> str:
    return (doc.title if span.field == "title" else doc.text)[span.start : span.end]


def passages(
    a: Document, b: Document, shared: U32, config: Config, hasher: TokenHasher,
    located: tuple[Located, Located] | None = None, *, compiled: bool | None = None,
) -> list[Passage]:
    """The stretches of text ``a`` and ``b`` share, as raw character spans in both.

    Shared shingles are aligned in document order; consecutive ones (gaps up to one shingle
    width, in both documents) form one passage. The longest ``max_passages`` are kept,
    returned in the order they appear in ``a``. ``compiled``: align with the numba kernel
    (default: when it is already loaded in this process).
    """
    if len(shared) == 0:
        return []
    la, lb = located or (locate(a, config, hasher), locate(b, config, hasher))
    runs = [r for r in aligned_runs(la, lb, shared, compiled) if r[4] >= 2 or len(shared) < 4]
    runs.sort(key=lambda r: -r[4])
    kept = sorted(runs[: config.max_passages], key=lambda r: r[0])
    out = []
    for a_first, a_last, b_first, b_last, count in kept:
        span_a = _field_span(la, a_first, a_last + la.n - 1)
        span_b = _field_span(lb, b_first, b_last + lb.n - 1)
        out.append(Passage(span_a, span_b, _excerpt(a, span_a), _excerpt(b, span_b), count))
    return out


# ---------------------------------------------------------------------------------- evidence

EVIDENCE_FIELDS = (
    "tokens_a", "tokens_b", "covered_a", "covered_b", "sentences_a", "sentences_b", "quoted_a", "quoted_b",
    "substitutions", "slots", "facts",
)
"""The columns of a pair's passage evidence (:func:`evidence`):

- ``tokens_*``: the hashed tokens of each document; ``covered_*``: those inside shared passages;
- ``sentences_*``: sentences of at least ``MIN_SENTENCE`` tokens with most of their tokens inside passages;
- ``quoted_*``: covered tokens that stand inside quotation marks;
- ``substitutions``: edits inside passages where both sides changed one to four tokens;
- ``slots``: those of them where a fact (a number, a weekday, a rare word) was replaced by another;
- ``facts``: distinct facts inside the passages of ``a``, the same on both sides."""

MIN_SENTENCE = 6
"""Tokens a sentence needs to count as shared when most of it is inside passages."""
_SENTENCE_COVERED = 0.6
_MAX_EDIT = 4


class FactTokens:
    """Which tokens are facts for the evidence: numbers and weekdays, and, where word rarity means
    something (a large enough corpus), words outside the sorted ``common`` hashes."""

    def __init__(self, common: npt.NDArray[np.uint64] | None = None) -> None:
        self.common = common

    def mask(self, hashes: npt.NDArray[np.uint64], numeric: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        from .facts import weekday_hashes

        found = numeric | np.isin(hashes, weekday_hashes())
        if self.common is not None:
            found |= ~np.isin(hashes, self.common, assume_unique=False)
        return found


def _covered(count: int, spans: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Tokens inside any of the token ranges ``spans`` (rows ``first, last``, inclusive)."""
    edges = np.zeros(count + 1, dtype=np.int64)
    np.add.at(edges, spans[:, 0], 1)
    np.add.at(edges, np.minimum(spans[:, 1] + 1, count), -1)
    return np.cumsum(edges[:-1]) > 0


def _sentences(covered: npt.NDArray[np.bool_], sentence: npt.NDArray[np.int32]) -> int:
    if len(sentence) == 0:
        return 0
    size = np.bincount(sentence)
    inside = np.bincount(sentence[covered], minlength=len(size))
    return int(np.count_nonzero((size >= MIN_SENTENCE) & (inside >= _SENTENCE_COVERED * size)))


def evidence(
    a: Located, ma: Marks, b: Located, mb: Marks, shared: U32, facts: FactTokens, compiled: bool | None = None,
) -> npt.NDArray[np.int64]:
    """The passage evidence of two located documents (their :class:`~dedupe.locate.Marks` beside
    them), as one row of :data:`EVIDENCE_FIELDS`."""
    out = np.zeros(len(EVIDENCE_FIELDS), dtype=np.int64)
    ta, tb = len(a.starts), len(b.starts)
    out[0], out[1] = ta, tb
    if len(shared) == 0 or ta == 0 or tb == 0:
        return out
    diagonals = diagonal_runs(a, b, shared, compiled)
    runs = merged(diagonals)
    keep = (runs[:, 4] >= 2) | (len(shared) < 4)
    if not keep.any():
        return out
    runs = runs[keep]
    span_a = np.stack([runs[:, 0], runs[:, 1] + a.n - 1], axis=1)
    span_b = np.stack([runs[:, 2], runs[:, 3] + b.n - 1], axis=1)
    ca, cb = _covered(ta, span_a), _covered(tb, span_b)
    out[2], out[3] = ca.sum(), cb.sum()
    out[4], out[5] = _sentences(ca, ma.sentence), _sentences(cb, mb.sentence)
    out[6], out[7] = (ca & ma.quoted).sum(), (cb & mb.quoted).sum()
    fact_a, fact_b = facts.mask(a.hashes, ma.numeric), facts.mask(b.hashes, mb.numeric)
    out[10] = len(np.intersect1d(a.hashes[ca & fact_a], b.hashes[cb & fact_b]))
    # Edits between the diagonal runs of one kept passage: the tokens each side has there.
    d = diagonals[keep[diagonals[:, 5]]]
    same = d[1:, 5] == d[:-1, 5]
    lo_a, hi_a = d[:-1, 1] + a.n, d[1:, 0] - 1
    lo_b, hi_b = d[:-1, 3] + b.n, d[1:, 2] - 1
    edits = np.flatnonzero(same & (hi_a >= lo_a) & (hi_a - lo_a < _MAX_EDIT) & (hi_b >= lo_b) & (hi_b - lo_b < _MAX_EDIT))
    out[8] = len(edits)
    slots = 0
    for e in edits.tolist():
        xa = a.hashes[lo_a[e] : hi_a[e] + 1][fact_a[lo_a[e] : hi_a[e] + 1]]
        xb = b.hashes[lo_b[e] : hi_b[e] + 1][fact_b[lo_b[e] : hi_b[e] + 1]]
        if len(xa) and len(xb) and set(xa.tolist()) != set(xb.tolist()):
            slots += 1
    out[9] = slots
    return out


# ---------------------------------------------------------------------------------- the scan's stage


def _passage_chunk(
    items: list[tuple[int, int, Scores, Relation]], metas: dict[int, Document], records: dict[int, bytes],
    sets: dict[int, U32], config: Config,
) -> list[Pair]:
    """Pairs with their passages for one chunk of verified pairs (runs in a worker process):
    the documents' spool records are decoded here, not in the process that reads them."""
    hasher = worker_hasher()
    compiled = jit.available()
    docs: dict[int, Document] = {}
    located: dict[int, Located] = {}
    for k, record in records.items():
        title, text, loc = decode_record(record)
        docs[k] = replace(metas[k], text=text, title=title)
        located[k] = loc if loc is not None else locate(docs[k], config, hasher)
    out = []
    for i, j, s, relation in items:
        shared = np.intersect1d(sets[i], sets[j], assume_unique=True)
        found = passages(docs[i], docs[j], shared, config, hasher, (located[i], located[j]), compiled=compiled) if config.max_passages else ()
        out.append(pair_of(docs[i].id, docs[j].id, relation, s, found))
    return out


def add_passages(
    verified: PairColumns, docs: Sequence[Document], spool: RecordFile, sets: Ragged, config: Config,
    progress: Progress, jobs: int, store: PairStore, rank: npt.NDArray[np.int64],
) -> None:
    """Locate the shared passages of every verified pair, in chunks (in worker processes when
    ``jobs`` > 1), and add the pairs to ``store``. Pairs come ordered by their first document,
    so a chunk reads each document once or a few times; only a few chunks' raw text and
    passages are in memory at any time. ``docs`` are the documents without their text (the
    text is in ``spool``, one record per document)."""
    bounds = [(k, min(k + _CHUNK, len(verified))) for k in range(0, len(verified), _CHUNK)]

    def work() -> Iterator[tuple[tuple[int, int], tuple[Any, ...]]]:
        for start, stop in bounds:
            chunk = verified.rows(start, stop)
            metas: dict[int, Document] = {}
            records: dict[int, bytes] = {}
            chunk_sets: dict[int, U32] = {}
            for i, j, _, _ in chunk:
                for k in (i, j):
                    if k not in records:
                        records[k] = spool.read(k)
                        metas[k] = docs[k]
                        chunk_sets[k] = sets[k]
            yield (start, stop), (chunk, metas, records, chunk_sets, config)

    for (start, stop), found in ordered_map(_passage_chunk, work(), jobs if len(bounds) > 1 else 1):
        for i, j, pair in zip(verified.a[start:stop].tolist(), verified.b[start:stop].tolist(), found):
            store.add(pair, int(rank[i]), int(rank[j]))
        progress("passages", len(store), len(verified))
    progress("passages", len(verified), len(verified))
