"""Tokens → word n-gram (shingle) hashes.

A token's hash is computed from its normalized code points ``c_0 … c_{L-1}``::

    fmix64( Σ c_i · W[i mod 64]  +  L · W_LEN )          (64-bit, wrapping)

with fixed odd 64-bit weights ``W``: a position-weighted sum, so it can be computed for every
token of a whole batch of texts at once (numpy), or in one pass of compiled code
(:func:`_token_hashes_kernel`, compiled by numba when installed) — both give the same bits. An n-gram's
hash combines the hashes of its n tokens with fixed odd multipliers (one per position, so
order matters), mixes the sum with the 64-bit MurmurHash3 finalizer and keeps the top 32
bits. No shingle strings are built.

:func:`text_token_hashes` goes from raw texts straight to token hashes: normalization is a
per-code-point table (deletions, folds, case folding) and tokens are runs of word characters,
exactly :func:`dedupe.normalize.tokenize`. A text holding a character whose normalization is
not one code point to at most one code point (NFKC compositions and ligatures, multi-letter
case folds, characters outside the Basic Multilingual Plane) takes the exact path instead:
``tokenize`` then :class:`TokenHasher`. Tests hold both paths to the same hashes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from ._infra import jit
from .normalize import _WORD, _fold, _tables, tokenize

__all__ = [
    "HASH_VERSION", "TokenHasher", "numeric_mask", "shingle_sequence", "shingle_set", "shingle_size_for", "text_token_hashes",
]

HASH_VERSION = 2
"""Changes whenever a token or shingle would hash differently (1: xxh3 of UTF-8 bytes)."""

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

_MAX_N = 32


def _splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


# _MULTIPLIERS[n][j]: odd multiplier of the j-th token of an n-gram.
_MULTIPLIERS: dict[int, U64] = {
    n: np.array([_splitmix64(n * 1000 + j) | 1 for j in range(n)], dtype=np.uint64) for n in range(1, _MAX_N + 1)
}


def _fmix64(h: U64) -> U64:
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


# Position weights of the token hash, and the weight of its length.
_W = np.array([_splitmix64(0x7A3C_0000 + i) | 1 for i in range(64)], dtype=np.uint64)
_W_LEN = np.uint64(_splitmix64(0x7A3C_FFFF) | 1)
_BMP = 0x10000
_DELETE = np.uint32(0xFFFFFFFF)


@lru_cache(maxsize=1)
def _char_tables() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per code point (Basic Multilingual Plane, plus one slot for everything above it):
    ``fold`` (the normalized code point, or ``_DELETE``), ``word`` (of a normalized code
    point: a letter or digit) and ``unsafe`` (the table cannot say what normalization does
    with it; texts holding one take the exact path)."""
    tables = _tables()
    fold = np.arange(_BMP + 1, dtype=np.uint32)
    unsafe = np.zeros(_BMP + 1, dtype=np.bool_)
    unsafe[_BMP] = True
    word = np.zeros(_BMP + 1, dtype=np.bool_)
    # Second halves of canonical compositions: NFKC may fuse them with what precedes.
    composing: set[int] = set()
    for cp in range(_BMP):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                composing.add(int(parts[1], 16))
    composing.update(range(0x1161, 0x11C3))  # Hangul vowels and trailing consonants
    for cp in range(_BMP):
        word[cp] = _WORD.fullmatch(chr(cp)) is not None
    for cp in range(_BMP):
        c = chr(cp)
        if 0xD800 <= cp <= 0xDFFF or cp in composing:
            unsafe[cp] = True
            continue
        compat = unicodedata.normalize("NFKC", c)
        if len(compat) != 1 or ord(compat) in composing:
            # A sequence of separators ("…" → "...", "″" → "′′") separates as one separator
            # does; anything else (the ligature ﻻ → لا, ½ → 1⁄2) needs the exact path.
            if compat and all(not _WORD.fullmatch(ch) and not tables.delete.fullmatch(ch) and ord(ch) not in composing for ch in compat):
                fold[cp] = 0x20
            else:
                unsafe[cp] = True
            continue
        if tables.delete.fullmatch(compat):
            fold[cp] = _DELETE
            continue
        folded = _fold(compat)
        if len(folded) != 1:
            unsafe[cp] = True
            continue
        fold[cp] = ord(folded)
    return fold, word, unsafe


def _hash_runs(codes: U32, is_word: npt.NDArray[np.bool_]) -> U64:
    """The token hash of every maximal run of word code points, in order (numpy)."""
    if len(codes) == 0:
        return np.empty(0, dtype=np.uint64)
    where = np.flatnonzero(is_word)
    if len(where) == 0:
        return np.empty(0, dtype=np.uint64)
    # A token starts where a word position does not follow the previous word position.
    first = np.ones(len(where), dtype=np.bool_)
    first[1:] = where[1:] != where[:-1] + 1
    starts = np.flatnonzero(first)
    lengths = np.diff(np.append(starts, len(where)))
    position = np.arange(len(where)) - np.repeat(starts, lengths)
    contributions = codes[where].astype(np.uint64) * _W[position & 63]
    sums = np.add.reduceat(contributions, starts)
    return _fmix64(sums + lengths.astype(np.uint64) * _W_LEN)


@lru_cache(maxsize=1)
def _alpha_table() -> npt.NDArray[np.bool_]:
    table = np.array([chr(cp).isalpha() for cp in range(_BMP)] + [False], dtype=np.bool_)
    return table


class TokenHasher:
    """Hashes of already normalized tokens (as :func:`dedupe.normalize.tokenize` gives them)."""

    def __call__(self, tokens: Sequence[str]) -> U64:
        return self.with_numbers(tokens)[0]

    def with_numbers(self, tokens: Sequence[str]) -> tuple[U64, npt.NDArray[np.bool_]]:
        """The hashes, and which tokens hold a digit (as :func:`numeric_mask`), in one pass."""
        if not tokens:
            return np.empty(0, dtype=np.uint64), np.zeros(0, dtype=np.bool_)
        # Tokens hold only word characters, so a space between them separates them.
        codes = np.frombuffer(" ".join(tokens).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        is_word = codes != 32
        hashes = _hash_runs(codes, is_word)
        if codes.max() > 0xFFFF:
            return hashes, numeric_mask(tokens)
        not_alpha = ~_alpha_table()[codes]
        not_alpha[~is_word] = False
        where = np.flatnonzero(is_word)
        first = np.ones(len(where), dtype=np.bool_)
        first[1:] = where[1:] != where[:-1] + 1
        numbers = np.logical_or.reduceat(not_alpha[where], np.flatnonzero(first))
        return hashes, numbers


def _token_hashes_kernel(codes: Any, bounds: Any, fold: Any, word: Any, unsafe: Any, weights: Any, w_len: Any) -> Any:
    """The numpy path of :func:`text_token_hashes` as one loop over the code points (compiled by
    numba): the flat token hashes, each text's token count, and which texts need the exact path."""
    n_texts = len(bounds) - 1
    out = np.empty(len(codes) // 2 + 1, dtype=np.uint64)
    counts = np.zeros(n_texts, dtype=np.int64)
    flags = np.zeros(n_texts, dtype=np.bool_)
    n_out = 0
    for t in range(n_texts):
        acc = np.uint64(0)
        length = 0
        for p in range(bounds[t], bounds[t + 1] + 1):
            word_char = False
            if p < bounds[t + 1]:
                cp = codes[p]
                if cp > 0xFFFF:
                    cp = 0x10000
                if unsafe[cp]:
                    flags[t] = True
                mapped = fold[cp]
                if mapped == np.uint32(0xFFFFFFFF):
                    continue  # deleted: the word goes on across it
                word_char = word[0x10000] if mapped > 0xFFFF else word[mapped]
                if word_char:
                    acc += np.uint64(mapped) * weights[length & 63]
                    length += 1
            if not word_char and length:
                # fmix64 (MurmurHash3's 64-bit finalizer) of the position-weighted sum and length
                h = acc + np.uint64(length) * w_len
                h ^= h >> np.uint64(33)
                h *= np.uint64(0xFF51AFD7ED558CCD)
                h ^= h >> np.uint64(33)
                h *= np.uint64(0xC4CEB9FE1A85EC53)
                h ^= h >> np.uint64(33)
                out[n_out] = h
                n_out += 1
                counts[t] += 1
                acc = np.uint64(0)
                length = 0
    return out[:n_out], counts, flags


def text_token_hashes(texts: Sequence[str], *, compiled: bool | None = None) -> tuple[U64, npt.NDArray[np.int64]]:
    """The token hashes of many raw texts at once: one flat array, and each text's token count
    (``hashes[offsets[k]:offsets[k+1]]`` with ``offsets = [0, *cumsum(counts)]``). Equal to
    ``TokenHasher()(tokenize(text))`` for every text. ``compiled``: use the numba kernel
    (default: when installed and the batch is big enough to pay for it)."""
    counts = np.zeros(len(texts), dtype=np.int64)
    if not texts:
        return np.empty(0, dtype=np.uint64), counts
    fold, word, unsafe = _char_tables()
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    # One separator between texts (a tab: never part of a token, never deleted).
    codes = np.frombuffer("\t".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bounds = np.concatenate(([0], np.cumsum(lengths + 1)))
    bounds[-1] = len(codes)  # no separator after the last text
    if compiled is None:
        compiled = len(codes) >= jit.MIN_WORK and jit.available()
    if compiled:
        flat, counts, flags = jit.compiled(_token_hashes_kernel)(codes, np.asarray(bounds, dtype=np.int64), fold, word, unsafe, _W, _W_LEN)
        exact = np.flatnonzero(flags)
    else:
        clipped = np.minimum(codes, _BMP)
        bad = unsafe[clipped]
        if bad.any():
            flagged = np.logical_or.reduceat(np.append(bad, False), bounds[:-1]) & (bounds[:-1] < bounds[1:])
            exact = np.flatnonzero(flagged)
        else:
            exact = np.empty(0, dtype=np.int64)
        mapped = fold[clipped]
        keep = mapped != _DELETE
        kept_bounds = np.concatenate(([0], np.cumsum(keep)))[bounds]
        mapped = mapped[keep]
        is_word = word[np.minimum(mapped, _BMP)]
        # Token starts, to count the tokens of each text.
        start = is_word.copy()
        start[1:] &= ~is_word[:-1]
        per_text = np.add.reduceat(np.append(start, False).astype(np.int64), kept_bounds[:-1])
        per_text[kept_bounds[:-1] == kept_bounds[1:]] = 0
        counts = per_text
        flat = _hash_runs(mapped, is_word)
    if len(exact):
        hasher = TokenHasher()
        offsets = np.concatenate(([0], np.cumsum(counts)))
        pieces: list[U64] = []
        last = 0
        for k in exact.tolist():
            pieces.append(flat[offsets[last] : offsets[k]])
            fixed = hasher(tokenize(texts[k]))
            pieces.append(fixed)
            counts[k] = len(fixed)
            last = k + 1
        pieces.append(flat[offsets[last] :])
        flat = np.concatenate(pieces)
    return flat, counts


def shingle_size_for(num_tokens: int, size: int, min_size: int) -> int:
    """The n-gram size used for a document: ``size``, or less for short documents (0: too short)."""
    if num_tokens >= size:
        return size
    return num_tokens if num_tokens >= min_size else 0


def shingle_sequence(token_hashes: U64, size: int, min_size: int = 1) -> U32:
    """The 32-bit hash of every n-gram of the token hashes, in document order."""
    n = shingle_size_for(len(token_hashes), size, min_size)
    if n == 0:
        return np.empty(0, dtype=np.uint32)
    count = len(token_hashes) - n + 1
    mult = _MULTIPLIERS[n]
    acc = token_hashes[:count] * mult[0]
    for j in range(1, n):
        acc = acc + token_hashes[j : j + count] * mult[j]
    return (_fmix64(acc) >> np.uint64(32)).astype(np.uint32)


def shingle_set(token_hashes: U64, size: int, min_size: int = 1) -> U32:
    """The sorted, distinct shingle hashes of a document."""
    return np.unique(shingle_sequence(token_hashes, size, min_size))


def numeric_mask(tokens: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Which tokens hold a digit (a token is letters and digits only, so: not all letters)."""
    return np.fromiter((not t.isalpha() for t in tokens), dtype=np.bool_, count=len(tokens))
