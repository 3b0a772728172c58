"""Exact verification of candidate pairs on their shingle sets, and the relation they bear."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from .clean import Line, clean
from .config import Config
from .models import Document, Passage, Relation, Span
from .normalize import token_offsets
from .ragged import Ragged
from .shingles import TokenHasher, shingle_sequence, shingle_size_for

__all__ = ["Located", "Scores", "fact_overlap", "is_template", "locate", "locate_lines", "passages", "relation_of", "score", "shared_counts", "weekday_mask", "weekday_mask_of_hashes"]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]


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


def shared_counts(sets: Sequence[U32], pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """How many shingles each candidate pair ``(i, j)`` shares, for many pairs at once (a
    compiled merge walk when numba is installed and the batch is big; else :func:`score`)."""
    from . import _compiled

    if len(pairs) >= 1000 and _compiled.available():
        if isinstance(sets, Ragged) and sets.dtype == np.uint32:  # already one array: no copy
            return _compiled.intersection_sizes(sets.values, sets.starts, pairs)
        lengths = np.fromiter((len(x) for x in sets), dtype=np.int64, count=len(sets))
        starts = np.concatenate(([0], np.cumsum(lengths)))
        values = np.concatenate([np.asarray(x, dtype=np.uint32) for x in sets]) if starts[-1] else np.empty(0, dtype=np.uint32)
        return _compiled.intersection_sizes(values, starts, pairs)
    return np.array([score(sets[i], sets[j]).shared for i, j in pairs], dtype=np.int64)


def cross_counts(left: Sequence[npt.NDArray[np.generic]], right: Sequence[npt.NDArray[np.generic]], pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each pair ``(i, j)``, how many values the sorted, distinct arrays ``left[i]`` and
    ``right[j]`` share (a compiled merge walk for big batches, else numpy)."""
    from . import _compiled

    if len(pairs) >= 1000 and _compiled.available():
        blocks = [*left, *right]
        lengths = np.fromiter((len(x) for x in blocks), dtype=np.int64, count=len(blocks))
        starts = np.concatenate(([0], np.cumsum(lengths)))
        dtype = np.result_type(*(x.dtype for x in blocks)) if blocks else np.uint64
        values = np.concatenate([np.asarray(x, dtype=dtype) for x in blocks]) if starts[-1] else np.empty(0, dtype=dtype)
        shifted = np.asarray(pairs, dtype=np.int64).copy()
        shifted[:, 1] += len(left)
        return _compiled.intersection_sizes(values, starts, shifted)
    return np.array(
        [np.count_nonzero(np.isin(left[i], right[j], assume_unique=True)) for i, j in pairs], dtype=np.int64
    )


RELATIONS: tuple[Relation, ...] = ("duplicate", "near_duplicate", "partial", "template")
"""Relation codes of :func:`relation_codes` (an index into this tuple; -1: no reuse)."""


def relation_codes(shared: npt.NDArray[np.int64], size_a: npt.NDArray[np.int64], size_b: npt.NDArray[np.int64], config: Config) -> npt.NDArray[np.int8]:
    """:func:`relation_of` for many pairs at once, as codes into :data:`RELATIONS` (-1: none).
    Same floating-point divisions as :class:`Scores`, so the same answers."""
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
    codes = np.full(len(shared), -1, dtype=np.int8)
    codes[partial] = 2
    codes[near] = 1
    codes[duplicate] = 0
    codes[(shared < config.min_shared_shingles) & (jaccard < config.duplicate_jaccard)] = -1
    return codes


def jaccards(shared: npt.NDArray[np.int64], size_a: npt.NDArray[np.int64], size_b: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """:attr:`Scores.jaccard` for many pairs."""
    union = size_a + size_b - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, shared.astype(np.float64) / union, 0.0)


def fact_overlap(facts_small: U64, vocab_large: U64) -> float:
    """Share of the smaller document's facts (sorted distinct token hashes) found in the larger."""
    if len(facts_small) == 0:
        return 1.0
    return float(np.count_nonzero(np.isin(facts_small, vocab_large, assume_unique=True))) / len(facts_small)


# Normalized weekday names (with the article, as news text writes them).
_WEEKDAYS = ("الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت")
_WEEKDAY_BITS = {day: 1 << n for n, day in enumerate(_WEEKDAYS)}


def weekday_mask(tokens: Iterable[str]) -> int:
    """The weekdays a text names, as a bit mask (Sunday = bit 0)."""
    mask = 0
    for tok in tokens:
        bit = _WEEKDAY_BITS.get(tok)
        if bit is None and tok[:1] in ("و", "ب", "ل"):  # clitic: والاثنين, بالجمعه
            bit = _WEEKDAY_BITS.get(tok[1:])
        if bit:
            mask |= bit
    return mask


@lru_cache(maxsize=1)
def _weekday_hashes() -> tuple[U64, npt.NDArray[np.int64]]:
    forms = [(day, bit) for day, bit in _WEEKDAY_BITS.items()]
    forms += [(clitic + day, bit) for day, bit in _WEEKDAY_BITS.items() for clitic in ("و", "ب", "ل")]
    hashes = TokenHasher()([f for f, _ in forms])
    order = np.argsort(hashes)
    return hashes[order], np.array([b for _, b in forms], dtype=np.int64)[order]


def weekday_mask_of_hashes(token_hashes: U64) -> int:
    """:func:`weekday_mask` from the tokens' hashes (the same answer, without the strings)."""
    bit_of = _weekday_bits_by_hash()
    mask = 0
    for h in bit_of.keys() & set(token_hashes.tolist()):
        mask |= bit_of[h]
    return mask


@lru_cache(maxsize=1)
def _weekday_bits_by_hash() -> dict[int, int]:
    values, bits = _weekday_hashes()
    return {int(h): int(b) for h, b in zip(values, bits)}


def is_template(
    s: Scores, facts_small: U64, vocab_large: U64, config: Config, weekdays: tuple[int, int] = (0, 0)
) -> bool:
    """Shared wording, different facts: a congratulation cable to another country, the
    weather of another day, an announcement about another person.

    Copies carry the facts of their source along (names, places, numbers); a template fills
    its slots with other ones. The facts of a document are its numbers and its rare words.
    Dates are facts too: a copy published a day later turns "today" into "yesterday" but keeps
    the weekday, so two texts naming only different weekdays report different days.
    """
    if s.jaccard >= config.template_max_jaccard:
        return False
    if weekdays[0] and weekdays[1] and not weekdays[0] & weekdays[1]:
        return True
    if len(facts_small) < config.template_min_facts:
        return False
    return fact_overlap(facts_small, vocab_large) < config.template_fact_overlap


def relation_of(s: Scores, config: Config) -> Relation | None:
    """``duplicate``, ``near_duplicate``, ``partial``, or None when the overlap is not reuse."""
    if s.shared < config.min_shared_shingles and s.jaccard < config.duplicate_jaccard:
        return None
    if s.jaccard >= config.duplicate_jaccard:
        return "duplicate"
    low, high = sorted((s.containment_a_in_b, s.containment_b_in_a))
    if s.jaccard >= config.near_duplicate_jaccard and low >= config.near_duplicate_min_containment:
        return "near_duplicate"
    if high >= config.partial_containment:
        return "partial"
    return None


@dataclass(frozen=True, slots=True)
class Located:
    """A document's hashed tokens located in its raw fields, and its shingle sequence."""

    starts: npt.NDArray[np.int32]
    ends: npt.NDArray[np.int32]
    in_title: npt.NDArray[np.bool_]
    shingles: U32
    n: int


def locate(doc: Document, config: Config, hasher: TokenHasher) -> Located:
    """Where each hashed token of ``doc`` sits in its raw title or text."""
    offsets = token_offsets(doc.text)
    return locate_lines(doc, clean(doc, offsets).lines, offsets, config, hasher)


def locate_lines(
    doc: Document,
    lines: Sequence[Line],
    text_offsets: tuple[list[str], list[int], list[int]],
    config: Config,
    hasher: TokenHasher,
    token_hashes: U64 | None = None,
) -> Located:
    """:func:`locate` from a cleaning already done (its kept ``lines`` and the text's token
    offsets); ``token_hashes``, when the caller has hashed the same tokens, are used as they are."""
    starts: list[int] = []
    ends: list[int] = []
    in_title: list[bool] = []
    tokens: list[str] = []
    text_tokens, text_starts, text_ends = text_offsets
    for line in lines:
        is_title = line.span.field == "title"
        if not is_title:
            lo, hi = bisect_left(text_starts, line.span.start), bisect_left(text_starts, line.span.end)
            # A whole kept line takes its offsets from the one pass over the text; a piece cut
            # out of a line by a cleaning rule is tokenized on its own, as cleaning did.
            if tuple(text_tokens[lo:hi]) == line.tokens and (hi == lo or text_ends[hi - 1] <= line.span.end):
                tokens.extend(text_tokens[lo:hi])
                starts.extend(text_starts[lo:hi])
                ends.extend(text_ends[lo:hi])
                in_title.extend([False] * (hi - lo))
                continue
        raw = doc.title if is_title else doc.text
        line_tokens, line_starts_, line_ends = token_offsets(raw[line.span.start : line.span.end], base=line.span.start)
        tokens.extend(line_tokens)
        starts.extend(line_starts_)
        ends.extend(line_ends)
        in_title.extend([is_title] * len(line_tokens))
    n = shingle_size_for(len(tokens), config.shingle_size, config.min_shingle_size)
    hashes = token_hashes if token_hashes is not None and len(token_hashes) == len(tokens) else hasher(tokens)
    return Located(
        np.array(starts, dtype=np.int32),
        np.array(ends, dtype=np.int32),
        np.array(in_title, dtype=np.bool_),
        shingle_sequence(hashes, config.shingle_size, config.min_shingle_size),
        n,
    )


def _runs(a: Located, b: Located, shared: U32, compiled: bool | None = None) -> list[tuple[int, int, int, int, int]]:
    """Aligned runs of shared shingles: (a_first, a_last, b_first, b_last, shingle count).

    Diagonal runs first (consecutive in both documents), then runs merged across small gaps:
    one changed word breaks ``n`` shingles, so gaps up to ``2n`` in both documents are edits
    inside one passage, not two passages.
    """
    from . import _compiled

    if compiled is None:
        compiled = _compiled.loaded()
    if compiled:
        return _compiled.shingle_runs(a.shingles, b.shingles, shared, 2 * a.n + 1, 2 * b.n + 1)
    shared_set = set(shared.tolist())
    where_b: dict[int, list[int]] = {}
    for pos, h in enumerate(b.shingles.tolist()):
        if h in shared_set:
            where_b.setdefault(h, []).append(pos)
    diagonal: list[list[int]] = []
    for pos, h in enumerate(a.shingles.tolist()):
        targets = where_b.get(h)
        if not targets:
            continue
        if diagonal and diagonal[-1][1] == pos - 1 and diagonal[-1][3] + 1 in targets:
            run = diagonal[-1]
            run[1], run[3], run[4] = pos, run[3] + 1, run[4] + 1
        else:
            diagonal.append([pos, pos, targets[0], targets[0], 1])
    gap_a, gap_b = 2 * a.n + 1, 2 * b.n + 1
    merged: list[list[int]] = []
    for run in diagonal:
        if merged:
            last = merged[-1]
            if 0 < run[0] - last[1] <= gap_a and 0 < run[2] - last[3] <= gap_b:
                last[1], last[3], last[4] = run[1], run[3], last[4] + run[4]
                continue
        merged.append(run)
    return [(r[0], r[1], r[2], r[3], r[4]) for r in merged]


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
    runs = [r for r in _runs(la, lb, shared, compiled) if r[4] >= 2 or len(shared) < 4]
    runs.sort(key=lambda r: -r[4])
    kept = sorted(runs[: config.max_passages], key=lambda r: r[0])
    out = []
    for a_first, a_last, b_first, b_last, count in kept:
        span_a = _field_span(la, a_first, a_last + la.n - 1)
        span_b = _field_span(lb, b_first, b_last + lb.n - 1)
        out.append(Passage(span_a, span_b, _excerpt(a, span_a), _excerpt(b, span_b), count))
    return out
