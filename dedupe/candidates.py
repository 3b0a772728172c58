"""Candidate pairs: who might be a copy of whom, before exact verification.

Two sources, united:

- **whole-document MinHash LSH** (datasketch ``MinHashLSH``, bands/rows derived from a low
  threshold in :mod:`dedupe.config`) finds pairs similar as wholes;
- **anchors** find one text contained in a longer one, where the Jaccard similarity of the
  wholes is low (a newspaper story embedding one wire item, or stitching several). An anchor
  is a shingle whose hash is divisible by ``anchor_modulus``: the choice depends on the
  shingle alone, so a passage copied into another document brings its anchors along.
  Documents sharing at least ``anchor_min_shared`` anchors are candidates. Anchors found in
  more than ``anchor_max_docs`` documents are stock phrases and are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt
import xxhash

from .config import Config
from .signatures import to_minhash

__all__ = ["anchors_of", "anchor_candidates", "band_keys", "lsh_candidates", "lsh_candidates_datasketch", "candidate_pairs"]

U32 = npt.NDArray[np.uint32]
Pairs = npt.NDArray[np.int64]  # shape (k, 2), i < j


def anchors_of(shingles: U32, modulus: int) -> U32:
    if modulus == 1:
        return shingles
    selected: U32 = shingles[shingles % np.uint32(modulus) == 0]
    return selected


def band_keys(signature: npt.NDArray[np.uint32], bands: int, rows: int) -> list[int]:
    """One key per LSH band, for a persistent index's band table: a 64-bit hash of the band's
    number and its ``rows`` signature values, as a signed integer (SQLite's integer type).
    Two signatures share a key exactly when they agree on a whole band (up to 64-bit hash
    collisions), which is the candidate rule of the in-memory LSH."""
    values = np.ascontiguousarray(signature[: bands * rows], dtype=np.uint32).reshape(bands, rows)
    keys = np.array([xxhash.xxh3_64_intdigest(values[b].tobytes(), seed=b) for b in range(bands)], dtype=np.uint64)
    return [int(k) for k in keys.view(np.int64)]


def _encode(i: npt.NDArray[np.int64], j: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    return lo * n + hi


def _decode(codes: npt.NDArray[np.int64], n: int) -> Pairs:
    return np.stack([codes // n, codes % n], axis=1) if len(codes) else np.empty((0, 2), dtype=np.int64)


def _iter_pairs_within_groups(
    members: npt.NDArray[np.int64], starts: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64], n: int,
    block: int = 4_000_000,
) -> Iterator[npt.NDArray[np.int64]]:
    """Every within-group pair code, for groups laid out contiguously in ``members``, in blocks
    of about ``block`` codes."""
    for size in np.unique(sizes):
        if size < 2:
            continue
        group_starts = starts[sizes == size]
        iu, ju = np.triu_indices(int(size), k=1)
        step = max(1, block // len(iu))
        for k in range(0, len(group_starts), step):
            part = group_starts[k : k + step]
            left = members[part[:, None] + iu[None, :]].ravel()
            right = members[part[:, None] + ju[None, :]].ravel()
            yield _encode(left, right, n)


def _pairs_within_groups(members: npt.NDArray[np.int64], starts: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    """Every within-group pair code, for groups laid out contiguously in ``members``."""
    out = list(_iter_pairs_within_groups(members, starts, sizes, n))
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


class _Tally:
    """Distinct pair codes with how many times each was added. Blocks are merged as they come
    (every few million codes), so memory holds the distinct codes, not every repetition."""

    def __init__(self, limit: int = 16_000_000) -> None:
        self.values = np.empty(0, dtype=np.int64)
        self.counts = np.empty(0, dtype=np.int64)
        self._pending: list[npt.NDArray[np.int64]] = []
        self._size = 0
        self._limit = limit

    def add(self, codes: npt.NDArray[np.int64]) -> None:
        self._pending.append(codes)
        self._size += len(codes)
        if self._size >= self._limit:
            self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        values, counts = np.unique(np.concatenate(self._pending), return_counts=True)
        self._pending, self._size = [], 0
        if len(self.values):
            merged, where = np.unique(np.concatenate([self.values, values]), return_inverse=True)
            counts = np.bincount(where, weights=np.concatenate([self.counts, counts]), minlength=len(merged)).astype(np.int64)
            values = merged
        self.values, self.counts = values, counts

    def result(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        self._merge()
        return self.values, self.counts


def anchor_candidates(anchor_sets: Sequence[U32], config: Config) -> Pairs:
    n = len(anchor_sets)
    lengths = np.fromiter((len(a) for a in anchor_sets), dtype=np.int64, count=n)
    if lengths.sum() == 0:
        return np.empty((0, 2), dtype=np.int64)
    values = np.concatenate([np.asarray(a, dtype=np.uint32) for a in anchor_sets])
    docs = np.repeat(np.arange(n, dtype=np.int64), lengths)
    order = np.argsort(values, kind="stable")
    values, docs = values[order], docs[order]
    boundaries = np.flatnonzero(np.diff(values)) + 1
    starts = np.concatenate(([0], boundaries)).astype(np.int64)
    sizes = np.diff(np.concatenate((starts, [len(values)]))).astype(np.int64)
    keep = (sizes >= 2) & (sizes <= config.anchor_max_docs)
    del values, order
    tally = _Tally()
    for codes in _iter_pairs_within_groups(docs, starts[keep], sizes[keep], n):
        tally.add(codes)
    unique, counts = tally.result()
    if len(unique) == 0:
        return np.empty((0, 2), dtype=np.int64)
    return _decode(unique[counts >= config.anchor_min_shared], n)


def lsh_candidates(signatures: npt.NDArray[np.uint32], config: Config) -> Pairs:
    """Pairs that agree on all ``rows`` values of at least one of the ``bands`` bands: the
    candidate rule of datasketch's ``MinHashLSH`` with the same (bands, rows), computed on the
    signature matrix band by band (sort the band's rows, group equal neighbours) instead of in
    hash tables: the same pairs (a test holds it to that), much faster, and no per-document
    Python objects."""
    n = len(signatures)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    sigs = np.asarray(signatures, dtype=np.uint32)
    tally = _Tally()  # a pair found in many bands is kept once, as bands come
    for b in range(config.lsh_bands):
        block = sigs[:, b * config.lsh_rows : (b + 1) * config.lsh_rows]
        order = np.lexsort(block.T[::-1])
        ordered = block[order]
        same = np.all(ordered[1:] == ordered[:-1], axis=1)
        if not same.any():
            continue
        # Groups of equal rows: runs of True in ``same`` (each run of k joins k + 1 documents).
        starts_flag = np.concatenate(([True], ~same))
        group_start = np.flatnonzero(starts_flag)
        sizes = np.diff(np.concatenate((group_start, [n])))
        keep = sizes >= 2
        for codes in _iter_pairs_within_groups(order.astype(np.int64), group_start[keep].astype(np.int64), sizes[keep].astype(np.int64), n):
            tally.add(codes)
    unique, _ = tally.result()
    return _decode(unique, n)


def lsh_candidates_datasketch(signatures: npt.NDArray[np.uint32], config: Config) -> Pairs:
    """The same pairs through datasketch's ``MinHashLSH`` (the reference the tests compare
    :func:`lsh_candidates` with; about 8 KB of memory per document)."""
    from datasketch import MinHashLSH

    n = len(signatures)
    lsh = MinHashLSH(num_perm=config.num_perm, params=(config.lsh_bands, config.lsh_rows))
    with lsh.insertion_session() as session:
        for i in range(n):
            session.insert(i, to_minhash(signatures[i], config.seed), check_duplication=False)
    buckets: list[list[int]] = []
    for table in lsh.hashtables:
        for key in table.keys():
            members = table.get(key)
            if len(members) >= 2:
                buckets.append(list(members))
    if not buckets:
        return np.empty((0, 2), dtype=np.int64)
    sizes = np.array([len(b) for b in buckets], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    members_flat = np.fromiter((m for b in buckets for m in b), dtype=np.int64, count=int(sizes.sum()))
    return _decode(np.unique(_pairs_within_groups(members_flat, starts, sizes, n)), n)


def candidate_pairs(signatures: npt.NDArray[np.uint32], anchor_sets: Sequence[U32], config: Config) -> tuple[Pairs, dict[str, int]]:
    """The union of LSH and anchor candidates, with how many each source found."""
    n = len(anchor_sets)
    lsh = lsh_candidates(signatures, config) if n >= 2 else np.empty((0, 2), dtype=np.int64)
    anchors = anchor_candidates(anchor_sets, config) if n >= 2 else np.empty((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate([_encode(lsh[:, 0], lsh[:, 1], n), _encode(anchors[:, 0], anchors[:, 1], n)]))
    return _decode(codes, n), {"lsh": len(lsh), "anchors": len(anchors), "total": len(codes)}
