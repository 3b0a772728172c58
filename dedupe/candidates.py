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

import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import IO

import numpy as np
import numpy.typing as npt
import xxhash

from ._infra.counting import counted_in_place
from .config import Config
from .signatures import to_minhash

__all__ = ["AnchorFrequency", "anchors_of", "anchor_candidates", "band_keys", "lsh_candidates", "lsh_candidates_datasketch", "candidate_pairs"]

U32 = npt.NDArray[np.uint32]
Pairs = npt.NDArray[np.int64]  # shape (k, 2), i < j


def anchors_of(shingles: U32, modulus: int) -> U32:
    if modulus == 1:
        return shingles
    selected: U32 = shingles[shingles % np.uint32(modulus) == 0]
    return selected


class AnchorFrequency:
    """Each document's anchors, and for an anchor how many documents of a corpus hold it and on
    how many days: what the template test reads to tell a formula (wording that recurs, day
    after day, across many documents) from a copied passage (found only in its copies, of a few
    days).

    ``anchors(k)`` gives document ``k``'s anchors (numbered as in the pairs), ``spread(values)``
    the documents and the distinct days (undated documents count as one day) holding each of
    ``values``, ``documents`` the corpus size."""

    def __init__(
        self, anchors: Callable[[int], U32], spread: Callable[[U32], tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]], documents: int,
    ) -> None:
        self.anchors, self.spread, self.documents = anchors, spread, documents

    @classmethod
    def of_sets(cls, values: U32, starts: npt.NDArray[np.int64], days: npt.NDArray[np.int64], config: Config) -> AnchorFrequency:
        """Of shingle sets stored back to back (``values[starts[k]:starts[k + 1]]``: sorted,
        distinct), document ``k`` dated on day ``days[k]``."""
        picked = np.flatnonzero(values % np.uint32(config.anchor_modulus) == 0)
        owner = np.searchsorted(starts, picked, side="right") - 1
        day = np.unique(days, return_inverse=True)[1].astype(np.uint64)[owner]
        held, counts = np.unique(values[picked], return_counts=True)
        per_day = np.unique((values[picked].astype(np.uint64) << np.uint64(32)) | day)
        dated = np.unique((per_day >> np.uint64(32)).astype(np.uint32), return_counts=True)[1]

        def anchors(k: int) -> U32:
            return anchors_of(values[starts[k] : starts[k + 1]], config.anchor_modulus)

        def spread(found: U32) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
            if not len(held):
                return np.zeros(len(found), np.int64), np.zeros(len(found), np.int64)
            at = np.minimum(np.searchsorted(held, found), len(held) - 1)
            hit = held[at] == found
            return np.where(hit, counts[at], 0).astype(np.int64), np.where(hit, dated[at], 0).astype(np.int64)

        return cls(anchors, spread, len(starts) - 1)


def band_keys(signature: npt.NDArray[np.uint32], bands: int, rows: int) -> list[int]:
    """One key per LSH band, for a persistent index's band table: a 64-bit hash of the band's
    number and its ``rows`` signature values, as a signed integer (SQLite's integer type).
    Two signatures share a key exactly when they agree on a whole band (up to 64-bit hash
    collisions), which is the candidate rule of the in-memory LSH."""
    values = np.ascontiguousarray(signature[: bands * rows], dtype=np.uint32).reshape(bands, rows)
    keys = np.array([xxhash.xxh3_64_intdigest(values[b].tobytes(), seed=b) for b in range(bands)], dtype=np.uint64)
    return [int(k) for k in keys.view(np.int64)]


def _encode(i: npt.NDArray[np.integer], j: npt.NDArray[np.integer], n: int) -> npt.NDArray[np.int64]:
    lo, hi = np.minimum(i, j).astype(np.int64), np.maximum(i, j).astype(np.int64)
    codes: npt.NDArray[np.int64] = lo * n + hi
    return codes


def decode(codes: npt.NDArray[np.int64], n: int) -> Pairs:
    """Pair codes ``i * n + j`` as rows ``(i, j)``."""
    return np.stack([codes // n, codes % n], axis=1) if len(codes) else np.empty((0, 2), dtype=np.int64)


def _iter_pairs_within_groups(
    members: npt.NDArray[np.integer], starts: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64], n: int,
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
    """Distinct pair codes, with how often each was added. Codes stay in memory up to ``limit``;
    past it they are spilled to ``parts`` temporary files by value (``code % parts``), and each
    file is then counted on its own: memory holds one part of the codes, never all of them
    (at a million documents, anchor groups give hundreds of millions of codes)."""

    def __init__(self, limit: int = 8_000_000, parts: int = 64) -> None:
        self._pending: list[npt.NDArray[np.int64]] = []
        self._size = 0
        self._limit, self._parts = limit, parts
        self._files: list[IO[bytes]] | None = None

    def add(self, codes: npt.NDArray[np.int64]) -> None:
        self._pending.append(np.asarray(codes, dtype=np.int64))
        self._size += len(codes)
        if self._size >= self._limit:
            self._spill()

    def _spill(self) -> None:
        codes = np.concatenate(self._pending) if self._pending else np.empty(0, dtype=np.int64)
        self._pending, self._size = [], 0
        if self._files is None:
            self._files = [tempfile.TemporaryFile(prefix="dedupe-candidates-") for _ in range(self._parts)]
        part = codes % self._parts
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(self._parts + 1))
        del part
        for p, f in enumerate(self._files):
            f.write(codes[order[bounds[p] : bounds[p + 1]]].tobytes())

    def result(self, min_count: int = 1) -> npt.NDArray[np.int64]:
        """The distinct codes added at least ``min_count`` times, sorted."""

        def counted(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
            values, counts = counted_in_place(codes)
            return values[counts >= min_count] if min_count > 1 else values

        if self._files is None:
            codes = np.concatenate(self._pending) if self._pending else np.empty(0, dtype=np.int64)
            self._pending, self._size = [], 0
            return counted(codes)
        self._spill()
        found = []
        for f in self._files:
            f.seek(0)
            found.append(counted(np.fromfile(f, dtype=np.int64)))
            f.close()
        self._files = None
        return np.sort(np.concatenate(found))


def anchor_candidates(anchor_sets: Sequence[U32], config: Config) -> Pairs:
    """Pairs of documents sharing at least ``anchor_min_shared`` anchors (each found in at most
    ``anchor_max_docs`` documents)."""
    return decode(anchor_codes(anchor_sets, config), len(anchor_sets))


def anchor_codes(anchor_sets: Sequence[U32], config: Config) -> npt.NDArray[np.int64]:
    """:func:`anchor_candidates` as sorted pair codes ``i * n + j`` (``i < j``)."""
    n = len(anchor_sets)
    lengths = np.fromiter((len(a) for a in anchor_sets), dtype=np.int64, count=n)
    if lengths.sum() == 0:
        return np.empty(0, dtype=np.int64)
    key = np.concatenate([np.asarray(a, dtype=np.uint32) for a in anchor_sets]).astype(np.uint64) << np.uint64(32)
    key |= np.repeat(np.arange(n, dtype=np.uint64), lengths)
    return _grouped_anchor_codes(key, n, config)


_ANCHOR_BLOCK = 4_000_000


def anchor_codes_of_sets(values: U32, starts: npt.NDArray[np.int64], config: Config) -> npt.NDArray[np.int64]:
    """:func:`anchor_codes` of the shingle sets laid out in ``values`` between ``starts`` (as a
    scan holds them): anchors are picked a block at a time into one array of 64-bit keys
    (anchor, document), with no array per document."""
    n = len(starts) - 1
    modulus = np.uint32(config.anchor_modulus)

    def picked(lo: int) -> npt.NDArray[np.int64]:
        part = values[lo : lo + _ANCHOR_BLOCK]
        return np.flatnonzero(part % modulus == 0) if config.anchor_modulus > 1 else np.arange(len(part))

    blocks = range(0, len(values), _ANCHOR_BLOCK)
    total = sum(len(picked(lo)) for lo in blocks)
    if total == 0:
        return np.empty(0, dtype=np.int64)
    key = np.empty(total, dtype=np.uint64)
    end = 0
    for lo in blocks:
        at = picked(lo)
        key[end : end + len(at)] = values[lo + at].astype(np.uint64) << np.uint64(32)
        key[end : end + len(at)] |= (np.searchsorted(starts, at + lo, side="right") - 1).astype(np.uint64)
        end += len(at)
    return _grouped_anchor_codes(key, n, config)


def _grouped_anchor_codes(key: npt.NDArray[np.uint64], n: int, config: Config) -> npt.NDArray[np.int64]:
    """Pairs sharing ``anchor_min_shared`` anchors, from one key ``anchor << 32 | document`` per
    anchor of each document. The keys are sorted in place: anchors grouped, documents ascending
    in each group (as a stable sort of the anchors would leave them), and no index array."""
    key.sort()
    anchors = (key >> np.uint64(32)).astype(np.uint32)
    members = (key & np.uint64(0xFFFFFFFF)).astype(np.int32)  # 32-bit: tens of millions of anchors at 1M documents
    del key
    starts = np.flatnonzero(np.concatenate(([True], anchors[1:] != anchors[:-1])))
    del anchors
    sizes = np.diff(np.append(starts, len(members)))
    keep = (sizes >= 2) & (sizes <= config.anchor_max_docs)
    starts, sizes = starts[keep], sizes[keep]
    del keep
    tally = _Tally()
    for codes in _iter_pairs_within_groups(members, starts, sizes, n):
        tally.add(codes)
    return tally.result(config.anchor_min_shared)


def lsh_candidates(signatures: npt.NDArray[np.uint32], config: Config) -> Pairs:
    """Pairs that agree on all ``rows`` values of at least one of the ``bands`` bands: the
    candidate rule of datasketch's ``MinHashLSH`` with the same (bands, rows), computed on the
    signature matrix band by band (sort the band's rows, group equal neighbours) instead of in
    hash tables: the same pairs (a test holds it to that), much faster, and no per-document
    Python objects."""
    return decode(lsh_codes(signatures, config), len(signatures))


def lsh_codes(signatures: npt.NDArray[np.uint32], config: Config) -> npt.NDArray[np.int64]:
    """:func:`lsh_candidates` as sorted pair codes ``i * n + j`` (``i < j``)."""
    n = len(signatures)
    if n < 2:
        return np.empty(0, dtype=np.int64)
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
    return tally.result()


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
    return decode(np.unique(_pairs_within_groups(members_flat, starts, sizes, n)), n)


def candidate_pairs(signatures: npt.NDArray[np.uint32], anchor_sets: Sequence[U32], config: Config) -> tuple[Pairs, dict[str, int]]:
    """The union of LSH and anchor candidates, with how many each source found."""
    n = len(anchor_sets)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64), {"lsh": 0, "anchors": 0, "total": 0}
    lsh = lsh_codes(signatures, config)
    anchors = anchor_codes(anchor_sets, config)
    codes, counts = united_codes(lsh, anchors)
    return decode(codes, n), counts


def united_codes(lsh: npt.NDArray[np.int64], anchors: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], dict[str, int]]:
    """The sorted union of both sets of pair codes, with how many each had and how many in all."""
    counts = {"lsh": len(lsh), "anchors": len(anchors)}
    codes = np.union1d(lsh, anchors)
    counts["total"] = len(codes)
    return codes, counts


