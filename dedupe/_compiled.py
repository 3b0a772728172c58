"""Compiled kernels for the hot loops (numba), used when numba is installed.

Each kernel computes exactly what its numpy counterpart computes (in :mod:`dedupe.shingles`
and :mod:`dedupe.signatures`), bit for bit; tests run both and compare. Without numba (or
with ``DEDUPE_NO_COMPILED=1``) the numpy code runs. Kernels are compiled on first use and
cached on disk (numba's ``cache=True``), so later processes start warm.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["MIN_WORK", "available", "compiled", "loaded", "intersection_sizes", "minhash", "shingle_runs", "text_token_hashes"]

MIN_WORK = 200_000
"""Below this many code points (or shingles × permutations / 128), numpy is used: importing
numba and loading its cached kernels costs more than a small batch saves (one article in
`dedupe check`, say)."""


@lru_cache(maxsize=1)
def _kernels() -> Any:
    if os.environ.get("DEDUPE_NO_COMPILED"):
        return None
    try:
        import numba
    except ImportError:
        return None

    mask64 = np.uint64(0xFFFFFFFFFFFFFFFF)

    @numba.njit(cache=True, inline="always")
    def fmix64(h: Any) -> Any:
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xC4CEB9FE1A85EC53)
        h ^= h >> np.uint64(33)
        return h & mask64

    @numba.njit(cache=True)
    def token_hashes(codes: Any, bounds: Any, fold: Any, word: Any, unsafe: Any, weights: Any, w_len: Any) -> Any:
        n_texts = len(bounds) - 1
        out = np.empty(len(codes) // 2 + 1, dtype=np.uint64)
        counts = np.zeros(n_texts, dtype=np.int64)
        flags = np.zeros(n_texts, dtype=np.bool_)
        n_out = 0
        for t in range(n_texts):
            acc = np.uint64(0)
            length = 0
            for p in range(bounds[t], bounds[t + 1]):
                cp = codes[p]
                if cp > 0xFFFF:
                    cp = 0x10000
                if unsafe[cp]:
                    flags[t] = True
                mapped = fold[cp]
                if mapped == np.uint32(0xFFFFFFFF):
                    continue  # deleted: the word goes on across it
                if mapped > 0xFFFF:
                    w = word[0x10000]
                else:
                    w = word[mapped]
                if w:
                    acc += np.uint64(mapped) * weights[length & 63]
                    length += 1
                elif length:
                    out[n_out] = fmix64(acc + np.uint64(length) * w_len)
                    n_out += 1
                    counts[t] += 1
                    acc = np.uint64(0)
                    length = 0
            if length:
                out[n_out] = fmix64(acc + np.uint64(length) * w_len)
                n_out += 1
                counts[t] += 1
        return out[:n_out], counts, flags

    @numba.njit(cache=True)
    def minhash(values: Any, starts: Any, a: Any, b: Any, out: Any) -> None:
        num_perm = len(a)
        for d in range(len(starts) - 1):
            lo, hi = starts[d], starts[d + 1]
            if lo == hi:
                continue
            sig = out[d]
            for k in range(num_perm):
                sig[k] = np.uint32(0xFFFFFFFF)
            for p in range(lo, hi):
                h = np.uint32(values[p])
                h ^= h >> np.uint32(16)
                h = np.uint32((np.uint64(h) * np.uint64(0x85EBCA6B)) & np.uint64(0xFFFFFFFF))
                h ^= h >> np.uint32(13)
                h = np.uint32((np.uint64(h) * np.uint64(0xC2B2AE35)) & np.uint64(0xFFFFFFFF))
                h ^= h >> np.uint32(16)
                hh = np.uint64(h)
                for k in range(num_perm):
                    v = np.uint32((np.uint64(a[k]) * hh + np.uint64(b[k])) & np.uint64(0xFFFFFFFF))
                    if v < sig[k]:
                        sig[k] = v

    @numba.njit(cache=True)
    def intersections(values: Any, starts: Any, pairs: Any, out: Any) -> None:
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

    @numba.njit(cache=True)
    def runs(a: Any, b: Any, shared: Any, gap_a: Any, gap_b: Any) -> Any:
        order = np.argsort(b, kind="mergesort")  # stable: equal values keep their first position first
        sorted_b = b[order]
        out = np.empty((len(a), 5), dtype=np.int64)
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
        m = 0
        for r in range(k):
            if m > 0 and 0 < out[r, 0] - out[m - 1, 1] <= gap_a and 0 < out[r, 2] - out[m - 1, 3] <= gap_b:
                out[m - 1, 1] = out[r, 1]
                out[m - 1, 3] = out[r, 3]
                out[m - 1, 4] += out[r, 4]
            else:
                for c in range(5):
                    out[m, c] = out[r, c]
                m += 1
        return out[:m]

    return token_hashes, minhash, intersections, runs


@lru_cache(maxsize=None)
def compiled(func: Any) -> Any:
    """``func`` compiled by numba (cached on disk), or None without numba. For loops written
    once in plain Python over arrays (:mod:`dedupe.graph`): the uncompiled function is the
    fallback, and tests run both."""
    if _kernels() is None:
        return None
    import numba

    return numba.njit(cache=True)(func)


def available() -> bool:
    return _kernels() is not None


def loaded() -> bool:
    """The kernels are already loaded in this process (using them costs nothing more)."""
    return _kernels.cache_info().currsize > 0 and _kernels() is not None


def text_token_hashes(
    codes: npt.NDArray[np.uint32], bounds: npt.NDArray[np.int64], fold: Any, word: Any, unsafe: Any, weights: Any, w_len: Any
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Token hashes of texts laid out in ``codes`` between ``bounds``; with each text's token
    count, and the indices of texts that need the exact path."""
    kernels = _kernels()
    assert kernels is not None
    flat, counts, flags = kernels[0](codes, np.asarray(bounds, dtype=np.int64), fold, word, unsafe, weights, np.uint64(w_len))
    return flat, counts, np.flatnonzero(flags)


def minhash(values: npt.NDArray[np.uint32], starts: npt.NDArray[np.int64], a: Any, b: Any) -> npt.NDArray[np.uint32]:
    """Signatures of the value blocks ``values[starts[d]:starts[d+1]]`` (empty blocks stay at
    the sentinel)."""
    kernels = _kernels()
    assert kernels is not None
    out = np.full((len(starts) - 1, len(a)), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    kernels[1](np.ascontiguousarray(values, dtype=np.uint32), np.asarray(starts, dtype=np.int64), a, b, out)
    return out


def intersection_sizes(values: npt.NDArray[np.uint32], starts: npt.NDArray[np.int64], pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each pair ``(i, j)``, how many values the sorted, distinct blocks ``i`` and ``j`` of
    ``values`` (laid out between ``starts``) share: one merge walk per pair."""
    kernels = _kernels()
    assert kernels is not None
    out = np.zeros(len(pairs), dtype=np.int64)
    kernels[2](values, np.asarray(starts, dtype=np.int64), np.ascontiguousarray(pairs, dtype=np.int64), out)
    return out


def shingle_runs(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32], shared: npt.NDArray[np.uint32], gap_a: int, gap_b: int) -> list[tuple[int, int, int, int, int]]:
    """:func:`dedupe.verify._runs` on two shingle sequences and their sorted shared shingles."""
    kernels = _kernels()
    assert kernels is not None
    found = kernels[3](
        np.ascontiguousarray(a, dtype=np.uint32), np.ascontiguousarray(b, dtype=np.uint32),
        np.ascontiguousarray(shared, dtype=np.uint32), np.int64(gap_a), np.int64(gap_b),
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in found.tolist()]
