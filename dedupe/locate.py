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

__all__ = ["Located", "locate", "locate_lines"]

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

