"""Sentences two texts share in other words: the recall channel for rewritten copy.

Two outlets that each reword the same agency item share whole sentences with a changed word every
few words: few 5-gram shingles, so neither the LSH bands nor the passages see them. Here a
sentence is the set of its hashed tokens (:class:`dedupe.locate.Marks` gives the sentences;
those of at least :data:`MIN_TOKENS` tokens count), and two sentences *match* when their sets'
Jaccard similarity reaches ``Config.sentence_min_jaccard``.

- :func:`sentences_of` reads a located document's sentences (without those its page furniture
  and outlet boilerplate took out: a sentence counts when most of its tokens are in shingles
  the document keeps).
- :func:`sentence_keys` sketches each sentence: :data:`BANDS` band keys of :data:`ROWS` min-hashes,
  so that sentences at Jaccard 0.5 share a key with probability about 0.68, at 0.3 about 0.31. A
  scan and an index file documents under them; two documents of two outlets are aligned when, among
  their sentences whose keys meet, at least :data:`MIN_SENTENCES` of each match
  (:func:`sentence_pairs`, :func:`meet`).
- :func:`matched` counts the sentences two documents match, one pass over their sentence pairs
  (numba kernel; :func:`_matched_python` is the reference): the evidence
  (``sentences_matched``, ``sentences_matched_quoted``) from which :mod:`dedupe.verify` reads a
  partial copy, or a shared quotation, that the shingles miss.

It runs over 400 lines because each compiled kernel sits beside the numpy or Python reference
the tests hold it equal to.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from ._infra import jit
from .locate import Located, Marks, _classes, sentence_ids
from .models import Document

__all__ = [
    "BANDS", "MIN_SENTENCES", "MIN_TOKENS", "ROWS", "Filed", "Sentences", "filed", "live_tokens", "side_sentences", "starting_inside", "matched", "meet", "same_outlet", "sentence_keys",
    "sentence_pairs", "sentences_of",
]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

MIN_TOKENS = 8
"""Tokens a sentence needs to count (shorter ones match by chance)."""
BANDS, ROWS = 4, 2
MIN_SENTENCES = 2
"""Sentences of each document whose keys must meet for a pair to be aligned."""

_RNG = np.random.default_rng(0x5E17E)
_MUL = _RNG.integers(1, 2**63, BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
_ADD = _RNG.integers(0, 2**63, BANDS * ROWS, dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, slots=True)
class Sentences:
    """A document's counted sentences: each one's distinct token hashes (sorted, ``values[starts[k]
    : starts[k + 1]]``), whether it stands mostly in quotation marks, and its first token; and
    all the values sorted (``by_value``) with the sentence each belongs to (``owner``)."""

    values: U64
    starts: I64
    quoted: npt.NDArray[np.bool_]
    first: I64
    by_value: U64
    owner: I64
    slots: U64 = field(default_factory=lambda: np.empty(0, np.uint64))
    slot_starts: I64 = field(default_factory=lambda: np.zeros(1, np.int64))
    """Each sentence's distinct slots (numbers and places, :mod:`dedupe.slots`), sorted:
    ``slots[slot_starts[k] : slot_starts[k + 1]]``."""

    def __len__(self) -> int:
        return len(self.starts) - 1

    @classmethod
    def empty(cls) -> Sentences:
        return cls(
            np.empty(0, np.uint64), np.zeros(1, np.int64), np.empty(0, np.bool_), np.empty(0, np.int64), np.empty(0, np.uint64),
            np.empty(0, np.int64),
        )


def live_tokens(loc: Located, kept: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """The tokens inside a shingle the document keeps (``kept``: its sorted shingle set, page
    furniture and outlet boilerplate taken out)."""
    count = len(loc.starts)
    at = np.minimum(np.searchsorted(kept, loc.shingles), max(len(kept) - 1, 0))
    starts = np.flatnonzero(kept[at] == loc.shingles) if len(kept) else np.empty(0, np.int64)
    edges = np.bincount(starts, minlength=count + 1) - np.bincount(np.minimum(starts + loc.n, count), minlength=count + 1)
    return np.cumsum(edges[:-1]) > 0


def _sentences_kernel(sid: Any, hashes: Any, live: Any, in_quotes: Any, use_live: Any, min_tokens: Any) -> Any:
    """:func:`_sentences_python` as loops (compiled by numba)."""
    count = len(sid)
    n = sid[count - 1] + 1
    size = np.zeros(n, dtype=np.int64)
    alive = np.zeros(n, dtype=np.int64)
    quotes = np.zeros(n, dtype=np.int64)
    start = np.full(n, -1, dtype=np.int64)
    for t in range(count):
        s = sid[t]
        if start[s] < 0:
            start[s] = t
        size[s] += 1
        if live[t]:
            alive[s] += 1
        if in_quotes[t]:
            quotes[s] += 1
    values = np.empty(count, dtype=np.uint64)
    starts = np.zeros(n + 1, dtype=np.int64)
    quoted = np.zeros(n, dtype=np.bool_)
    first = np.zeros(n, dtype=np.int64)
    k = 0
    at = 0
    for s in range(n):
        if size[s] < min_tokens or (use_live and 2 * alive[s] <= size[s]):
            continue
        block = np.sort(hashes[start[s] : start[s] + size[s]])
        for x in range(len(block)):
            if x == 0 or block[x] != block[x - 1]:
                values[at] = block[x]
                at += 1
        quoted[k] = 2 * quotes[s] > size[s]
        first[k] = start[s]
        k += 1
        starts[k] = at
    return values[:at].copy(), starts[: k + 1].copy(), quoted[:k].copy(), first[:k].copy()


def _sentences_python(sid: I64, hashes: U64, live: npt.NDArray[np.bool_] | None, in_quotes: npt.NDArray[np.bool_]) -> tuple[U64, I64, npt.NDArray[np.bool_], I64]:
    """The sets of :func:`sentences_of` in numpy: the reference of :func:`_sentences_kernel`."""
    size = np.bincount(sid)
    ok = size >= MIN_TOKENS
    if live is not None:
        ok &= 2 * np.bincount(sid[live], minlength=len(size)) > size
    order = np.lexsort((hashes, sid))
    s, h = sid[order], hashes[order]
    keep = ok[s]
    keep[1:] &= (s[1:] != s[:-1]) | (h[1:] != h[:-1])
    s, h = s[keep], h[keep]
    bounds = np.flatnonzero(np.diff(s, prepend=-1))
    chosen = s[bounds]
    quoted = 2 * np.bincount(sid[in_quotes], minlength=len(size)) > size
    first = np.searchsorted(sid, chosen)
    return h, np.append(bounds, len(h)).astype(np.int64), quoted[chosen], first.astype(np.int64)


def _indexed(values: U64, starts: I64, quoted: npt.NDArray[np.bool_], first: I64) -> Sentences:
    """:class:`Sentences` of these sets, with all their values sorted and each one's sentence."""
    order = np.argsort(values, kind="stable")
    owner = np.repeat(np.arange(len(first), dtype=np.int64), np.diff(starts))
    return Sentences(values, starts, quoted, first, values[order], owner[order])


def sentences_of(
    loc: Located, m: Marks, live: npt.NDArray[np.bool_] | None = None, compiled: bool | None = None, slots: U64 | None = None,
) -> Sentences:
    """The sentences of at least :data:`MIN_TOKENS` tokens of a located document, of which most
    tokens are ``live`` (:func:`live_tokens`; all when None), with each one's ``slots`` (each
    token's slot, :func:`dedupe.slots.slot_ids`; none when None); ``compiled``: the numba kernel
    (default: when numba is loaded)."""
    sid = m.sentence.astype(np.int64)
    if len(sid) == 0:
        return Sentences.empty()
    if jit.loaded() if compiled is None else compiled:
        values, starts, quoted, first = jit.compiled(_sentences_kernel)(
            sid, loc.hashes, live if live is not None else np.ones(len(sid), np.bool_), m.quoted, live is not None, np.int64(MIN_TOKENS),
        )
    else:
        values, starts, quoted, first = _sentences_python(sid, loc.hashes, live, m.quoted)
    if len(starts) < 2:
        return Sentences.empty()
    found = _indexed(values, starts, quoted, first)
    if slots is None:
        return found
    # Each token's counted sentence (-1: none), then the distinct slots of each.
    at = np.full(int(sid[-1]) + 1, -1, dtype=np.int64)
    at[sid[first]] = np.arange(len(first))
    mine = at[sid]
    use = (mine >= 0) & (slots != 0)
    if not use.any():
        return replace(found, slot_starts=np.zeros(len(first) + 1, np.int64))
    owner_s, value_s = mine[use], slots[use]
    order = np.lexsort((value_s, owner_s))
    owner_s, value_s = owner_s[order], value_s[order]
    keep = np.concatenate(([True], (owner_s[1:] != owner_s[:-1]) | (value_s[1:] != value_s[:-1])))
    owner_s, value_s = owner_s[keep], value_s[keep]
    return replace(found, slots=value_s, slot_starts=np.searchsorted(owner_s, np.arange(len(first) + 1)).astype(np.int64))


def _live_kernel(shingles: Any, n: Any, count: Any, kept: Any) -> Any:
    """:func:`live_tokens` as one loop (compiled by numba)."""
    edges = np.zeros(count + 1, dtype=np.int64)
    for p in range(len(shingles)):
        at = np.searchsorted(kept, shingles[p])
        if at < len(kept) and kept[at] == shingles[p]:
            edges[p] += 1
            edges[min(p + n, count)] -= 1
    live = np.zeros(count, dtype=np.bool_)
    run = 0
    for t in range(count):
        run += edges[t]
        live[t] = run > 0
    return live


def _slots_kernel(sid: Any, first: Any, slots: Any) -> Any:
    """Each counted sentence's distinct nonzero slots, sorted (compiled by numba): the slot sets of
    :func:`sentences_of`."""
    count = len(sid)
    k = len(first)
    values = np.empty(count, dtype=np.uint64)
    starts = np.zeros(k + 1, dtype=np.int64)
    at = 0
    for r in range(k):
        lo = first[r]
        hi = lo
        while hi < count and sid[hi] == sid[lo]:
            hi += 1
        block = np.sort(slots[lo:hi])
        for x in range(len(block)):
            if block[x] != 0 and (x == 0 or block[x] != block[x - 1]):
                values[at] = block[x]
                at += 1
        starts[r + 1] = at
    return values[:at].copy(), starts


def side_sentences(loc: Located, m: Marks, kept: npt.NDArray[np.uint32], slots: U64, compiled: bool | None = None) -> Sentences:
    """:func:`sentences_of` of the tokens :func:`live_tokens` keeps, with their ``slots``
    (``compiled``: the one-pass numba kernel; by default when numba is loaded)."""
    if not (jit.loaded() if compiled is None else compiled) or len(loc.starts) == 0:
        return sentences_of(loc, m, live_tokens(loc, kept), compiled=compiled, slots=slots)
    sid = m.sentence.astype(np.int64)
    live = jit.compiled(_live_kernel)(loc.shingles, np.int64(loc.n), np.int64(len(sid)), np.ascontiguousarray(kept, dtype=np.uint32))
    values, starts, quoted, first = jit.compiled(_sentences_kernel)(sid, loc.hashes, live, m.quoted, True, np.int64(MIN_TOKENS))
    if len(first) == 0:
        return Sentences.empty()
    slot_values, slot_starts = jit.compiled(_slots_kernel)(sid, first, np.ascontiguousarray(slots, dtype=np.uint64))
    return replace(_indexed(values, starts, quoted, first), slots=slot_values, slot_starts=slot_starts)


def sentence_keys(s: Sentences) -> U64:
    """:data:`BANDS` keys a sentence (rows of ``len(s)`` × ``BANDS``): each the mix of
    :data:`ROWS` min-hashes of its token set."""
    if len(s) == 0:
        return np.empty((0, BANDS), dtype=np.uint64)
    return _keys(s.values, s.starts[:-1])


def starting_inside(first: I64, spans: npt.NDArray[np.integer]) -> npt.NDArray[np.bool_]:
    """The sentences (by their first tokens) that start inside the token ranges ``spans`` (rows
    ``first, after last[, …]``): a page furniture line's, which are not filed."""
    inside = np.zeros(len(first), dtype=np.bool_)
    for t0, t1 in np.asarray(spans)[:, :2].tolist():
        inside |= (first >= t0) & (first < t1)
    return inside


@dataclass(frozen=True, slots=True)
class Filed:
    """What a document is filed under in the sentence channel: each counted sentence's keys
    (rows of :data:`BANDS`), its distinct token hashes (``values[starts[k] : starts[k + 1]]``,
    sorted) and its first token."""

    keys: U64
    values: U64
    starts: I64
    first: I64

    def __len__(self) -> int:
        return len(self.first)

    def without(self, spans: npt.NDArray[np.integer]) -> Filed:
        """Less the sentences that start inside the token ranges ``spans`` (rows ``first, after
        last[, …]``: page furniture lines), as a scan files a document once its furniture is known."""
        if not len(spans) or not len(self):
            return self
        inside = starting_inside(self.first, spans)
        if not inside.any():
            return self
        keep = np.flatnonzero(~inside)
        sizes = np.diff(self.starts)[keep]
        values = np.concatenate([self.values[self.starts[k] : self.starts[k + 1]] for k in keep.tolist()]) if len(keep) else np.empty(0, np.uint64)
        return Filed(self.keys[keep], values, np.concatenate(([0], np.cumsum(sizes))).astype(np.int64), self.first[keep])

    @classmethod
    def empty(cls) -> Filed:
        return cls(np.empty((0, BANDS), np.uint64), np.empty(0, np.uint64), np.zeros(1, np.int64), np.empty(0, np.int64))


def _filed_kernel(
    title: Any, text: Any, table: Any, starts: Any, in_title: Any, hashes: Any, min_tokens: Any, mul: Any, add: Any, mix: Any, bands: Any,
) -> Any:
    """:func:`filed` in one pass over a document's code points and tokens (compiled by numba):
    the sentences (:func:`dedupe.locate.sentence_ids`), their token sets and their keys."""
    count = len(starts)
    ends_title = np.zeros(len(title) + 1, dtype=np.int64)
    for p in range(len(title)):
        ends_title[p + 1] = ends_title[p] + (table[min(title[p], 0x10000)] == 1)
    ends_text = np.zeros(len(text) + 1, dtype=np.int64)
    for p in range(len(text)):
        ends_text[p + 1] = ends_text[p] + (table[min(text[p], 0x10000)] == 1)
    sid = np.zeros(count, dtype=np.int64)
    prev_title, prev_text = 0, 0
    s = 0
    for t in range(count):
        if in_title[t]:
            cut = ends_title[starts[t]] - ends_title[prev_title] > 0
            prev_title = starts[t]
        else:
            cut = ends_text[starts[t]] - ends_text[prev_text] > 0
            prev_text = starts[t]
        if t > 0 and (cut or in_title[t] != in_title[t - 1]):
            s += 1
        sid[t] = s
    values = np.empty(count, dtype=np.uint64)
    bounds = np.zeros(count + 1, dtype=np.int64)
    first = np.zeros(count, dtype=np.int64)
    perms = len(mul)
    mins = np.empty((count, perms), dtype=np.uint64)
    k = 0
    at = 0
    lo = 0
    while lo < count:
        hi = lo
        while hi < count and sid[hi] == sid[lo]:
            hi += 1
        if hi - lo >= min_tokens:
            block = np.sort(hashes[lo:hi])
            for x in range(len(block)):
                if x == 0 or block[x] != block[x - 1]:
                    values[at] = block[x]
                    at += 1
            for q in range(perms):
                best = hashes[lo] * mul[q] + add[q]
                for t in range(lo + 1, hi):
                    v = hashes[t] * mul[q] + add[q]
                    if v < best:
                        best = v
                mins[k, q] = best
            first[k] = lo
            k += 1
            bounds[k] = at
        lo = hi
    rows = perms // bands
    keys = np.empty((k, bands), dtype=np.uint64)
    for r in range(k):
        for band in range(bands):
            key = np.uint64(band + 1) * mix
            for row in range(rows):
                key = (key ^ mins[r, band * rows + row]) * mix
            keys[r, band] = key ^ (key >> np.uint64(29))
    return keys, values[:at].copy(), bounds[: k + 1].copy(), first[:k].copy()


def filed_text(doc: Document, loc: Located, compiled: bool | None = None) -> Filed:
    """:func:`filed` of a located document, its sentences read from its raw text (``compiled``:
    the one-pass numba kernel; by default when numba is loaded)."""
    if len(loc.starts) == 0:
        return Filed.empty()
    if not (jit.loaded() if compiled is None else compiled):
        return filed(loc, sentence_ids(doc, loc))
    keys, values, starts, first = jit.compiled(_filed_kernel)(
        np.frombuffer(doc.title.encode("utf-32-le", "surrogatepass"), dtype=np.uint32),
        np.frombuffer(doc.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32),
        _classes(), loc.starts, loc.in_title, loc.hashes, np.int64(MIN_TOKENS), _MUL, _ADD, _MIX, np.int64(BANDS),
    )
    if len(first) == 0:
        return Filed.empty()
    return Filed(keys, values, starts, first)


def filed(loc: Located, sentence: npt.NDArray[np.int32]) -> Filed:
    """The sentences of a located document (all its tokens live) from each token's sentence
    (:attr:`Marks.sentence`), with their keys: what a scan and an index file it under, in numpy
    (the reference of :func:`_filed_kernel`)."""
    sid = sentence.astype(np.int64)
    if len(sid) == 0:
        return Filed.empty()
    values, starts, _, first = _sentences_python(sid, loc.hashes, None, np.zeros(len(sid), np.bool_))
    if len(first) == 0:
        return Filed.empty()
    return Filed(_keys(values, starts[:-1]), values, starts, first)


def _keys(values: U64, starts: I64) -> U64:
    with np.errstate(over="ignore"):
        return _band_keys(np.minimum.reduceat(values[:, None] * _MUL + _ADD, starts, axis=0))


def _band_keys(mins: U64) -> U64:
    """The band keys of sentences' min-hashes (rows of ``BANDS * ROWS``)."""
    with np.errstate(over="ignore"):
        keys = np.empty((len(mins), BANDS), dtype=np.uint64)
        for band in range(BANDS):
            key: U64 = np.full(len(mins), np.uint64(band + 1) * _MIX, dtype=np.uint64)
            for row in range(ROWS):
                key = (key ^ mins[:, band * ROWS + row]) * _MIX
            keys[:, band] = key ^ (key >> np.uint64(29))
    return keys


def same_outlet(a: str, b: str) -> bool:
    """Two documents of one outlet (whose sentences said again are not looked for)."""
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def meet(a: Filed, b: Filed, threshold: float, ignored: U64 | None = None) -> bool:
    """Whether two documents (of two outlets) are a pair of the sentence channel
    (:func:`sentence_pairs`): the pairs a scan, a check and ``compare`` align. Keys in
    ``ignored`` (a check's keys that too many indexed articles hold, as a scan ignores them)
    pair nothing."""
    if len(a) < MIN_SENTENCES or len(b) < MIN_SENTENCES:
        return False
    keys = np.concatenate([a.keys.ravel(), b.keys.ravel()])
    doc = np.repeat(np.array([0, 1], np.int64), [a.keys.size, b.keys.size])
    sent = np.repeat(np.arange(len(a) + len(b), dtype=np.int64), BANDS)
    if ignored is not None and len(ignored):
        keep = ~np.isin(keys, ignored)
        keys, doc, sent = keys[keep], doc[keep], sent[keep]
    values = np.concatenate([a.values, b.values])
    starts = np.concatenate([a.starts[:-1], b.starts + len(a.values)])
    return len(sentence_pairs(keys, doc, sent, np.array([-1, -1], np.int64), 2, 2, values, starts, threshold)) > 0


def _bucket_pairs(doc: Any, sent: Any, outlet: Any, starts: Any, out: Any) -> Any:
    """For each bucket ``starts[k]:starts[k + 1]`` of (document, sentence) entries sorted by key,
    every pair of entries of two documents of two outlets (or of unknown ones, -1), as rows
    (first doc, second doc, its sentence, the other's sentence), the smaller document first
    (compiled by numba)."""
    k = 0
    for b in range(len(starts) - 1):
        for x in range(starts[b], starts[b + 1]):
            for y in range(x + 1, starts[b + 1]):
                if doc[x] == doc[y] or (outlet[x] >= 0 and outlet[x] == outlet[y]):
                    continue
                if doc[x] < doc[y]:
                    out[k, 0], out[k, 1], out[k, 2], out[k, 3] = doc[x], doc[y], sent[x], sent[y]
                else:
                    out[k, 0], out[k, 1], out[k, 2], out[k, 3] = doc[y], doc[x], sent[y], sent[x]
                k += 1
    return k


def _verify_rows(sa: Any, sb: Any, values: Any, starts: Any, threshold: Any, keep: Any) -> None:
    """``keep[r]``: sentences ``sa[r]`` and ``sb[r]`` (blocks of ``values``) reach Jaccard
    ``threshold`` (one merge walk each; compiled by numba)."""
    for r in range(len(sa)):
        x, x_end = starts[sa[r]], starts[sa[r] + 1]
        y, y_end = starts[sb[r]], starts[sb[r] + 1]
        la, lb = x_end - x, y_end - y
        need = threshold * (la + lb) / (1.0 + threshold)
        common = 0
        while x < x_end and y < y_end:
            if values[x] == values[y]:
                common += 1
                x += 1
                y += 1
            elif values[x] < values[y]:
                x += 1
            else:
                y += 1
        keep[r] = common > 0 and common >= need


def sentence_pairs(
    keys: U64, doc: I64, sent: I64, outlet: I64, n_docs: int, max_docs: int, values: U64, starts: I64, threshold: float,
) -> I64:
    """The pairs of documents of two outlets that match at least :data:`MIN_SENTENCES`
    sentences of each among the sentences whose keys meet, as sorted codes ``i * n_docs + j``
    (i < j). ``keys``, ``doc`` and ``sent`` are one row per (sentence, band): its key, its
    document and the sentence's number in the corpus, whose distinct tokens are
    ``values[starts[s] : starts[s + 1]]``; two sentences match at Jaccard ``threshold``.
    ``outlet[d]`` numbers document d's outlet (-1: none). A key held by more than ``max_docs``
    documents (a formula, a line every article of an outlet carries) pairs nothing. Within one
    outlet, sentences said again are its own furniture, boilerplate and background (read on ANT:
    teaser leads, job-site adverts), not a copy."""
    if len(keys) == 0:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((doc, keys))
    k_sorted, d_sorted, s_sorted = keys[order], doc[order], sent[order]
    bucket = np.flatnonzero(np.diff(k_sorted, prepend=k_sorted[0] ^ np.uint64(1)))
    ends = np.append(bucket[1:], len(k_sorted))
    size = ends - bucket
    # The documents of each bucket (a document may say one sentence twice: one document).
    new_doc = np.concatenate(([True], (k_sorted[1:] != k_sorted[:-1]) | (d_sorted[1:] != d_sorted[:-1])))
    holders = np.add.reduceat(new_doc.astype(np.int64), bucket)
    use = (holders >= 2) & (holders <= max_docs)
    if not use.any():
        return np.empty(0, dtype=np.int64)
    lo, hi = bucket[use], ends[use]
    # Every entry of the buckets kept, in order (one arange over the buckets' lengths).
    pick = np.repeat(lo - np.concatenate(([0], np.cumsum(hi - lo)[:-1])), hi - lo) + np.arange(int((hi - lo).sum()))
    bucket_starts = np.concatenate([[0], np.cumsum(size[use])]).astype(np.int64)
    total = int((size[use] * (size[use] - 1) // 2).sum())
    out = np.empty((total, 4), dtype=np.int64)
    kernel = jit.when_it_pays(_bucket_pairs, total) or _bucket_pairs
    docs = d_sorted[pick].astype(np.int64)
    k = kernel(docs, s_sorted[pick].astype(np.int64), outlet[docs].astype(np.int64), bucket_starts, out)
    rows = out[:k]
    if not len(rows):
        return np.empty(0, dtype=np.int64)
    # Of the sentence pairs whose keys meet, those that match.
    same = np.zeros(len(rows), dtype=np.bool_)
    verify = jit.when_it_pays(_verify_rows, 10 * len(rows)) or _verify_rows
    verify(np.ascontiguousarray(rows[:, 2]), np.ascontiguousarray(rows[:, 3]), values, starts.astype(np.int64), np.float64(threshold), same)
    rows = rows[same]
    if not len(rows):
        return np.empty(0, dtype=np.int64)
    code = rows[:, 0] * n_docs + rows[:, 1]
    enough = []
    for side in (2, 3):
        # Distinct (pair, sentence of this side), then sentences per pair (two sort keys: one
        # combined value would overflow on a corpus of a million documents).
        by = np.lexsort((rows[:, side], code))
        c, s = code[by], rows[by, side]
        distinct = np.concatenate(([True], (c[1:] != c[:-1]) | (s[1:] != s[:-1])))
        pair_of = c[distinct]
        first = np.flatnonzero(np.concatenate(([True], pair_of[1:] != pair_of[:-1])))
        n = np.diff(np.append(first, len(pair_of)))
        enough.append(pair_of[first][n >= MIN_SENTENCES])
    return np.intersect1d(enough[0], enough[1], assume_unique=True).astype(np.int64)


def _matched_kernel(
    va: Any, sa: Any, qa: Any, ka: Any, ksa: Any, vb: Any, ob: Any, sb: Any, qb: Any, kb: Any, ksb: Any, threshold: Any,
) -> Any:
    """:func:`_matched_python` as loops (compiled by numba): for each sentence of ``a``, its
    tokens looked up in all of ``b``'s (``vb`` sorted, ``ob`` the sentence of each), counting
    what it shares with each sentence of ``b``."""
    na, nb = len(sa) - 1, len(sb) - 1
    hit_a = np.zeros(na, dtype=np.bool_)
    hit_b = np.zeros(nb, dtype=np.bool_)
    kept_a = np.zeros(na, dtype=np.bool_)
    kept_b = np.zeros(nb, dtype=np.bool_)
    common = np.zeros(nb, dtype=np.int64)
    touched = np.empty(len(vb), dtype=np.int64)
    for i in range(na):
        n_touched = 0
        for x in range(sa[i], sa[i + 1]):
            v = va[x]
            p = np.searchsorted(vb, v)
            while p < len(vb) and vb[p] == v:
                j = ob[p]
                if common[j] == 0:
                    touched[n_touched] = j
                    n_touched += 1
                common[j] += 1
                p += 1
        la = sa[i + 1] - sa[i]
        for k in range(n_touched):
            j = touched[k]
            lb = sb[j + 1] - sb[j]
            if common[j] >= threshold * (la + lb) / (1.0 + threshold):
                hit_a[i] = True
                hit_b[j] = True
                # Each names a number or place the other lacks (both slot blocks sorted)?
                only_a = only_b = False
                x, y = ksa[i], ksb[j]
                while x < ksa[i + 1] or y < ksb[j + 1]:
                    if y >= ksb[j + 1] or (x < ksa[i + 1] and ka[x] < kb[y]):
                        only_a = True
                        x += 1
                    elif x >= ksa[i + 1] or kb[y] < ka[x]:
                        only_b = True
                        y += 1
                    else:
                        x += 1
                        y += 1
                if not (only_a and only_b):
                    kept_a[i] = True
                    kept_b[j] = True
            common[j] = 0
    count = min(np.count_nonzero(hit_a), np.count_nonzero(hit_b))
    quoted = min(np.count_nonzero(hit_a & qa), np.count_nonzero(hit_b & qb))
    changed = min(np.count_nonzero(hit_a & ~kept_a), np.count_nonzero(hit_b & ~kept_b))
    return count, min(quoted, count), min(changed, count)


def _matched_python(a: Sentences, b: Sentences, threshold: float) -> tuple[int, int, int]:
    """How many sentences two documents match (the fewer of each side's sentences with a match
    at Jaccard ≥ ``threshold``), how many of those stand in quotation marks, and how many change
    a slot (each of the two sentences names a number or place the other lacks, with every match
    it has: a formula filled in again), the fewer of each side's: the reference of
    :func:`_matched_kernel`."""
    sets_a = [set(a.values[a.starts[i] : a.starts[i + 1]].tolist()) for i in range(len(a))]
    sets_b = [set(b.values[b.starts[j] : b.starts[j + 1]].tolist()) for j in range(len(b))]

    def slots(s: Sentences, k: int) -> set[int]:
        return set(s.slots[s.slot_starts[k] : s.slot_starts[k + 1]].tolist()) if len(s.slot_starts) > k + 1 else set()

    hit_a: set[int] = set()
    hit_b: set[int] = set()
    kept_a: set[int] = set()
    kept_b: set[int] = set()
    for i, x in enumerate(sets_a):
        for j, y in enumerate(sets_b):
            common = len(x & y)
            if common and common >= threshold * (len(x) + len(y)) / (1.0 + threshold):
                hit_a.add(i)
                hit_b.add(j)
                ka, kb = slots(a, i), slots(b, j)
                if not (ka - kb and kb - ka):
                    kept_a.add(i)
                    kept_b.add(j)
    count = min(len(hit_a), len(hit_b))
    quoted = min(sum(bool(a.quoted[i]) for i in hit_a), sum(bool(b.quoted[j]) for j in hit_b))
    changed = min(len(hit_a - kept_a), len(hit_b - kept_b))
    return count, min(quoted, count), min(changed, count)


def _matched_numpy(a: Sentences, b: Sentences, threshold: float) -> tuple[int, int, int]:
    """:func:`_matched_python` with the shared tokens counted in numpy (what a check runs
    without the compiled kernel)."""
    owner_a = np.repeat(np.arange(len(a), dtype=np.int64), np.diff(a.starts))
    # Every (sentence of a, sentence of b) holding one shared value: a's values looked up in b's.
    lo = np.searchsorted(b.by_value, a.values, side="left")
    hi = np.searchsorted(b.by_value, a.values, side="right")
    n = hi - lo
    if not n.any():
        return 0, 0, 0
    rows = np.repeat(owner_a, n)
    at = np.repeat(lo - np.concatenate(([0], np.cumsum(n)[:-1])), n) + np.arange(int(n.sum()))
    common = np.zeros((len(a), len(b)), dtype=np.int64)
    np.add.at(common, (rows, b.owner[at]), 1)
    la, lb = np.diff(a.starts)[:, None], np.diff(b.starts)[None, :]
    hit = (common > 0) & (common >= threshold * (la + lb) / (1.0 + threshold))
    if not hit.any():
        return 0, 0, 0
    kept = np.zeros_like(hit)
    has_slots = len(a.slot_starts) == len(a.starts) and len(b.slot_starts) == len(b.starts)
    for i, j in zip(*np.nonzero(hit)):
        ka = set(a.slots[a.slot_starts[i] : a.slot_starts[i + 1]].tolist()) if has_slots else set()
        kb = set(b.slots[b.slot_starts[j] : b.slot_starts[j + 1]].tolist()) if has_slots else set()
        kept[i, j] = not (ka - kb and kb - ka)
    hit_a, hit_b = hit.any(axis=1), hit.any(axis=0)
    kept_a, kept_b = kept.any(axis=1), kept.any(axis=0)
    count = min(int(hit_a.sum()), int(hit_b.sum()))
    quoted = min(int((hit_a & a.quoted).sum()), int((hit_b & b.quoted).sum()))
    changed = min(int((hit_a & ~kept_a).sum()), int((hit_b & ~kept_b).sum()))
    return count, min(quoted, count), min(changed, count)


def matched(a: Sentences, b: Sentences, threshold: float, compiled: bool | None = None) -> tuple[int, int, int]:
    """The sentences two documents match, and of those the quoted ones and those that change a
    slot (``compiled``: the numba kernel; by default when numba is loaded)."""
    if len(a) == 0 or len(b) == 0:
        return 0, 0, 0
    if jit.loaded() if compiled is None else compiled:
        ka, kb = (s.slot_starts if len(s.slot_starts) == len(s.starts) else np.zeros(len(s.starts), np.int64) for s in (a, b))
        count, quoted, changed = jit.compiled(_matched_kernel)(
            a.values, a.starts, a.quoted, a.slots, ka, b.by_value, b.owner, b.starts, b.quoted, b.slots, kb, np.float64(threshold),
        )
        return int(count), int(quoted), int(changed)
    return _matched_numpy(a, b, threshold)
