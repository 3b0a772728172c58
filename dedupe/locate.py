"""Where each hashed token of a document sits in its raw title and text, for passages.

Cleaning (:mod:`dedupe.clean`) decides which raw lines are hashed; :func:`locate_lines` walks
the kept lines and records, for every token that went into the shingles, its character span in
the raw field it came from, and the document's shingle sequence in text order. A scan records
this in the worker that prepares the document (:mod:`dedupe.prepare`), from the cleaning it
did anyway, and spools it to disk with the raw text; :mod:`dedupe.passages` reads it back for
the documents of verified pairs.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from .clean import Line, clean
from .config import Config
from .models import Document, picklable
from .normalize import token_offsets
from ._infra import jit
from .shingles import TokenHasher, shingle_sequence, shingle_size_for

__all__ = ["Located", "Marks", "locate", "locate_lines", "marks"]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]


@picklable
@dataclass(frozen=True, slots=True)
class Located:
    """A document's hashed tokens located in its raw fields, and its shingle sequence."""

    starts: npt.NDArray[np.int32]
    ends: npt.NDArray[np.int32]
    in_title: npt.NDArray[np.bool_]
    shingles: U32
    n: int
    hashes: U64
    """Each token's hash (:class:`dedupe.shingles.TokenHasher`), in the same order."""


@picklable
@dataclass(frozen=True, slots=True)
class Marks:
    """What the raw text says around each located token: which sentence it is in (sentences end
    at . ! ? ؟ … or a line break; the title is a sentence of its own), whether it stands inside
    quotation marks, and whether it holds a digit."""

    sentence: npt.NDArray[np.int32]
    quoted: npt.NDArray[np.bool_]
    numeric: npt.NDArray[np.bool_]


_ENDS = ".!?؟…\n\r\u2028\u2029"
_OPEN, _CLOSE = "«“", "»”"
_DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"


@lru_cache(maxsize=1)
def _classes() -> npt.NDArray[np.int8]:
    """Per code point of the Basic Multilingual Plane (and one slot for the rest): 1 sentence end,
    2 opening quote, 3 closing quote, 4 straight quote, 5 digit, 0 anything else."""
    table = np.zeros(0x10001, dtype=np.int8)
    for value, chars in ((1, _ENDS), (2, _OPEN), (3, _CLOSE), (4, '"'), (5, _DIGITS)):
        table[[ord(c) for c in chars]] = value
    return table


def _marks_kernel(codes: Any, table: Any, starts: Any, ends: Any, boundary: Any, quoted: Any, numeric: Any) -> None:
    """One pass over a field's code points (compiled by numba): for each token (``starts`` and
    ``ends`` ascending), whether a sentence ends between it and the previous one, whether it
    starts inside quotation marks, and whether it holds a digit."""
    depth = 0
    straight = 0
    ended = 0
    digits = 0
    t = 0
    n_tokens = len(starts)
    for p in range(len(codes) + 1):
        while t < n_tokens and starts[t] == p:
            boundary[t] = ended > 0
            quoted[t] = depth > 0 or straight % 2 == 1
            ended = 0
            digits = 0
            t += 1
        if p == len(codes):
            break
        cp = codes[p]
        k = table[cp if cp < 0x10000 else 0x10000]
        if k == 1:
            ended += 1
            if cp == 10:
                straight = 0
        elif k == 2:
            depth += 1
        elif k == 3:
            depth = depth - 1 if depth > 0 else 0
        elif k == 4:
            straight += 1
        elif k == 5:
            digits += 1
        # a token's digits are counted from its start to its end
        if t > 0 and p + 1 == ends[t - 1] and digits > 0:
            numeric[t - 1] = True


def marks(doc: Document, loc: Located, compiled: bool | None = None) -> Marks:
    """The :class:`Marks` of the tokens ``loc`` located in ``doc`` (``compiled``: the numba
    kernel; by default when it pays, as :func:`dedupe._infra.jit.when_it_pays` decides)."""
    count = len(loc.starts)
    boundary = np.zeros(count, dtype=np.bool_)
    quoted = np.zeros(count, dtype=np.bool_)
    numeric = np.zeros(count, dtype=np.bool_)
    kernel = jit.when_it_pays(_marks_kernel, len(doc.text) + len(doc.title), compiled) or _marks_kernel
    for is_title, raw in ((True, doc.title), (False, doc.text)):
        where = np.flatnonzero(loc.in_title == is_title)
        if len(where) == 0:
            continue
        codes = np.frombuffer(raw.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        b, q, d = np.zeros(len(where), np.bool_), np.zeros(len(where), np.bool_), np.zeros(len(where), np.bool_)
        kernel(codes, _classes(), loc.starts[where], loc.ends[where], b, q, d)
        boundary[where], quoted[where], numeric[where] = b, q, d
    if count:
        boundary[0] = False
        boundary[1:] |= loc.in_title[1:] != loc.in_title[:-1]
    return Marks(np.cumsum(boundary).astype(np.int32), quoted, numeric)


def sentence_ids(doc: Document, loc: Located) -> npt.NDArray[np.int32]:
    """:attr:`Marks.sentence` alone, in numpy (no compiled kernel to load: what a worker that
    only files sentences needs)."""
    count = len(loc.starts)
    boundary = np.zeros(count, dtype=np.bool_)
    table = _classes()
    for is_title, raw in ((True, doc.title), (False, doc.text)):
        where = np.flatnonzero(loc.in_title == is_title)
        if len(where) == 0:
            continue
        codes = np.frombuffer(raw.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ends = np.concatenate(([0], np.cumsum(table[np.minimum(codes, 0x10000)] == 1)))
        starts = loc.starts[where].astype(np.int64)
        # A sentence ends between two tokens when an end mark lies from the one's start to the other's.
        boundary[where] = ends[starts] - ends[np.concatenate(([0], starts[:-1]))] > 0
    if count:
        boundary[0] = False
        boundary[1:] |= loc.in_title[1:] != loc.in_title[:-1]
    return np.cumsum(boundary).astype(np.int32)


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
        np.asarray(hashes, dtype=np.uint64),
    )

