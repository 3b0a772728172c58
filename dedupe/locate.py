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

import numpy as np
import numpy.typing as npt

from .clean import Line, clean
from .config import Config
from .models import Document
from .normalize import token_offsets
from .shingles import TokenHasher, shingle_sequence, shingle_size_for

__all__ = ["Located", "Marks", "locate", "locate_lines", "marks"]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]


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


@dataclass(frozen=True, slots=True)
class Marks:
    """What the raw text says around each located token: which sentence it is in (sentences end
    at . ! ? ؟ … or a line break; the title is a sentence of its own), whether it stands inside
    quotation marks, and whether it holds a digit."""

    sentence: npt.NDArray[np.int32]
    quoted: npt.NDArray[np.bool_]
    numeric: npt.NDArray[np.bool_]


_ENDS = frozenset(".!?؟…\n\r\u2028\u2029")
_OPEN, _CLOSE = frozenset("«“"), frozenset("»”")


def _char_marks(raw: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Per character of ``raw``: sentence ends so far (cumulative), inside quotes, digits so far."""
    codes = np.frombuffer(raw.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.isin(codes, [ord(c) for c in _ENDS])
    depth = np.cumsum(np.isin(codes, [ord(c) for c in _OPEN]).astype(np.int64) - np.isin(codes, [ord(c) for c in _CLOSE]))
    # A straight double quote opens and closes by turns, line by line.
    counted = np.cumsum(codes == ord('"'))
    newline = codes == 10
    at_line_start = np.concatenate(([0], counted[newline]))
    inside = (depth > 0) | ((counted - at_line_start[np.cumsum(newline)]) % 2 == 1)
    digits = np.cumsum((codes >= 48) & (codes <= 57) | (codes >= 0x660) & (codes <= 0x669) | (codes >= 0x6F0) & (codes <= 0x6F9))
    return np.concatenate(([0], np.cumsum(ends))), inside, np.concatenate(([0], digits))


def marks(doc: Document, loc: Located) -> Marks:
    """The :class:`Marks` of the tokens ``loc`` located in ``doc``."""
    count = len(loc.starts)
    sentence = np.zeros(count, dtype=np.int32)
    quoted = np.zeros(count, dtype=np.bool_)
    numeric = np.zeros(count, dtype=np.bool_)
    if count == 0:
        return Marks(sentence, quoted, numeric)
    boundary = np.zeros(count, dtype=np.bool_)
    for is_title, raw in ((True, doc.title), (False, doc.text)):
        where = np.flatnonzero(loc.in_title == is_title)
        if len(where) == 0:
            continue
        ends_before, inside, digits = _char_marks(raw)
        starts, stops = loc.starts[where].astype(np.int64), loc.ends[where].astype(np.int64)
        quoted[where] = inside[np.minimum(starts, len(inside) - 1)] if len(inside) else False
        numeric[where] = digits[stops] > digits[starts]
        # A sentence ends between two tokens when an end mark stands between them.
        between = np.zeros(len(where), dtype=np.bool_)
        between[1:] = ends_before[starts[1:]] > ends_before[stops[:-1]]
        boundary[where] = between
    boundary[1:] |= loc.in_title[1:] != loc.in_title[:-1]
    boundary[0] = False
    return Marks(np.cumsum(boundary).astype(np.int32), quoted, numeric)


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

