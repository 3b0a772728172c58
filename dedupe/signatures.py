"""MinHash signatures, computed in batches with numpy.

The only module that knows datasketch's MinHash internals. Signatures follow datasketch's
``affine32`` scheme bit for bit: each 32-bit input hash ``h`` is pre-mixed with the 32-bit
MurmurHash3 finalizer, then permutation ``k`` maps it to ``a_k * h + b_k mod 2**32``; the
signature holds the minimum per permutation. ``a`` and ``b`` are datasketch's own, drawn
from ``numpy.random.RandomState(seed)``, so a signature can go straight into
``datasketch.MinHashLSH`` (tests compare against ``MinHash.update`` directly).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from ._infra import jit
from ._infra.ragged import Ragged
from .shingles import shingle_sequence, text_token_hashes

__all__ = ["EMPTY", "Permutations", "permutations", "signatures", "signatures_numpy", "text_signatures", "to_minhash", "jaccard_estimate"]

U32 = npt.NDArray[np.uint32]
EMPTY = np.uint32(0xFFFFFFFF)
"""The value of every slot of an empty set's signature (datasketch's sentinel)."""

SCHEME = "affine32"
# Shingles per block: a block's permuted hashes take num_perm * _BLOCK * 4 bytes (32 MB at 128).
_BLOCK = 1 << 16


class Permutations:
    def __init__(self, a: U32, b: U32, seed: int) -> None:
        self.a = a
        self.b = b
        self.seed = seed

    @property
    def num_perm(self) -> int:
        return len(self.a)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> Permutations:
    """datasketch's ``affine32`` permutations for ``seed``: odd multipliers ``a`` and offsets ``b``
    drawn from ``numpy.random.RandomState(seed)`` (drawn here, so that datasketch, which takes
    half a second to import, is not needed to sign; a test compares them with datasketch's own)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return Permutations(np.ascontiguousarray(a, dtype=np.uint32), np.ascontiguousarray(b, dtype=np.uint32), seed)


def _fmix32(h: U32) -> U32:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _block_minima(values: U32, starts: npt.NDArray[np.intp], perms: Permutations) -> U32:
    mixed = _fmix32(values)
    permuted = perms.a[:, None] * mixed[None, :] + perms.b[:, None]
    return np.minimum.reduceat(permuted, starts, axis=1).T


def _minhash_kernel(values: Any, starts: Any, a: Any, b: Any, out: Any) -> None:
    """:func:`signatures_numpy` as one loop (compiled by numba): the signature of each block
    ``values[starts[d]:starts[d+1]]`` into ``out[d]`` (empty blocks are left as they are)."""
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


def _minhash_compiled(values: U32, starts: npt.NDArray[np.int64], a: U32, b: U32) -> U32:
    out = np.full((len(starts) - 1, len(a)), EMPTY, dtype=np.uint32)
    jit.compiled(_minhash_kernel)(np.ascontiguousarray(values, dtype=np.uint32), np.asarray(starts, dtype=np.int64), a, b, out)
    return out


def signatures(sets: Sequence[U32], perms: Permutations) -> U32:
    """Signatures of many shingle sets at once: an array of shape ``(len(sets), num_perm)``
    (compiled when numba is installed, else numpy; the same bits either way)."""
    flat = isinstance(sets, Ragged) and sets.dtype == np.uint32
    lengths = sets.lengths() if flat else np.fromiter((len(v) for v in sets), dtype=np.int64, count=len(sets))  # type: ignore[attr-defined]
    if len(sets) and int(lengths.sum()) >= jit.MIN_WORK and jit.available():
        if flat:  # already one array: no copy
            return _minhash_compiled(sets.values, sets.starts, perms.a, perms.b)  # type: ignore[attr-defined]
        starts = np.concatenate(([0], np.cumsum(lengths)))
        values = np.concatenate([np.asarray(v, dtype=np.uint32) for v in sets]) if starts[-1] else np.empty(0, dtype=np.uint32)
        return _minhash_compiled(values, starts, perms.a, perms.b)
    return signatures_numpy(sets, perms)


def signatures_numpy(sets: Sequence[U32], perms: Permutations) -> U32:
    """:func:`signatures` in numpy only (the reference the compiled kernel is tested against)."""
    out = np.full((len(sets), perms.num_perm), EMPTY, dtype=np.uint32)
    group: list[int] = []
    total = 0

    def flush() -> None:
        nonlocal group, total
        if group:
            parts = [sets[i] for i in group]
            lengths = np.fromiter((len(p) for p in parts), dtype=np.intp, count=len(parts))
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            out[group] = _block_minima(np.concatenate(parts).astype(np.uint32, copy=False), starts, perms)
        group, total = [], 0

    for i, values in enumerate(sets):
        if len(values) == 0:
            continue  # datasketch leaves an empty MinHash at the sentinel
        if len(values) > _BLOCK:
            flush()
            sig = np.full(perms.num_perm, EMPTY, dtype=np.uint32)
            for lo in range(0, len(values), _BLOCK):
                chunk = np.asarray(values[lo : lo + _BLOCK], dtype=np.uint32)
                sig = np.minimum(sig, _block_minima(chunk, np.zeros(1, dtype=np.intp), perms)[0])
            out[i] = sig
            continue
        if total + len(values) > _BLOCK:
            flush()
        group.append(i)
        total += len(values)
    flush()
    return out


def text_signatures(texts: Sequence[str], perms: Permutations, shingle_size: int = 5, min_shingle_size: int = 2) -> U32:
    """Raw texts straight to signatures, a batch at a time: normalize and hash tokens
    (:func:`dedupe.shingles.text_token_hashes`), combine n-grams over the whole batch, take
    the MinHash. The same signature as shingling ``tokenize(text)`` one text at a time
    (a MinHash does not care that a shingle repeats). No cleaning: that is the scan's job."""
    flat, counts = text_token_hashes(texts)
    use_compiled = len(flat) >= jit.MIN_WORK // 4 and jit.available()
    offsets = np.concatenate(([0], np.cumsum(counts)))
    n = shingle_size
    # Every n-gram of the flat token array; keep those that do not cross into the next text.
    full = shingle_sequence(flat, n, n) if len(flat) >= n else np.empty(0, dtype=np.uint32)
    text_of = np.repeat(np.arange(len(texts)), counts)
    valid = np.zeros(len(full), dtype=np.bool_)
    if len(full):
        ends = offsets[1:][text_of[: len(full)]]
        valid = np.arange(len(full)) + n <= ends
    kept = full[valid]
    per_text = np.bincount(text_of[: len(full)][valid], minlength=len(texts)) if len(full) else np.zeros(len(texts), dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(per_text)))
    short = np.flatnonzero((counts < n) & (counts >= min_shingle_size))
    if len(short) == 0:
        if use_compiled:
            return _minhash_compiled(kept, starts, perms.a, perms.b)
        return signatures_numpy([kept[starts[k] : starts[k + 1]] for k in range(len(texts))], perms)
    sets = [kept[starts[k] : starts[k + 1]] for k in range(len(texts))]
    for k in short:
        sets[k] = shingle_sequence(flat[offsets[k] : offsets[k + 1]], n, min_shingle_size)
    return signatures(sets, perms)


def to_minhash(signature: U32, seed: int) -> Any:
    """A datasketch ``LeanMinHash`` holding ``signature``, ready for ``MinHashLSH``."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)


def jaccard_estimate(sig_a: U32, sig_b: U32) -> float:
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)
