"""Tokens → word n-gram (shingle) hashes.

Each token is hashed once with xxh3-64; an n-gram's hash combines the hashes of its n
tokens with fixed odd multipliers (one per position, so order matters), mixes the sum with
the 64-bit MurmurHash3 finalizer and keeps the top 32 bits. All of it is vectorised over a
document: no shingle strings are built.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xxhash

__all__ = ["TokenHasher", "numeric_mask", "shingle_sequence", "shingle_set", "shingle_size_for"]

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


class TokenHasher:
    """xxh3-64 of each token's UTF-8 bytes, memoised (news vocabulary repeats a lot)."""

    def __init__(self, max_cache: int = 2_000_000) -> None:
        self._cache: dict[str, int] = {}
        self._max_cache = max_cache

    def __call__(self, tokens: Sequence[str]) -> U64:
        cache = self._cache
        get = cache.get
        out = []
        for tok in tokens:
            h = get(tok)
            if h is None:
                h = xxhash.xxh3_64_intdigest(tok.encode("utf-8"))
                if len(cache) < self._max_cache:
                    cache[tok] = h
            out.append(h)
        return np.array(out, dtype=np.uint64)


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
