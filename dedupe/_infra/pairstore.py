"""Verified pairs kept on disk, so a scan's memory does not grow with the passages it found.

A pair with its passages carries excerpts of both texts: a large corpus yields millions of
pairs and gigabytes of excerpts. :class:`PairStore` writes each pair to a temporary file as it
is verified and keeps in memory only its place in the file and its sort key (about 28 bytes a
pair while adding, 24 once sealed). It reads as a sequence in report order (Jaccard descending, then the two ids), one
pair at a time, for clustering, links and the report writers.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from ..models import Pair
from .lazy import LazySequence
from .records import RecordFile

__all__ = ["PairStore"]


class PairStore(LazySequence[Pair]):
    """Pairs on disk in the order they were added; read back sorted once :meth:`seal` is called.

    ``rank_a`` and ``rank_b`` given with each pair order its ids (equal ids, equal ranks): the
    sort is by Jaccard descending, then ``rank_a``, then ``rank_b``, stable, which is the order
    of sorting the pairs by ``(-jaccard, a, b)`` when the ranks are those of the ids' sort.
    """

    def __init__(self) -> None:
        self._file = RecordFile("dedupe-pairs-")
        self._jaccard = array("i")  # in units of 1/10,000: pairs carry it rounded to 4 places
        self._rank_a = array("i")
        self._rank_b = array("i")
        self._order: npt.NDArray[np.int64] | None = None

    def add(self, pair: Pair, rank_a: int, rank_b: int, passages: bytes | None = None) -> None:
        """Keep ``pair``; ``passages``, when given, are its passages as a pickled tuple (as a
        worker that aligned them sent them), which the pair read back carries instead of its own."""
        if self._order is not None:
            raise RuntimeError("the pair store is sealed")
        self._file.append(pickle.dumps((pair, passages), protocol=pickle.HIGHEST_PROTOCOL))
        self._jaccard.append(round(pair.jaccard * 10_000))
        self._rank_a.append(rank_a)
        self._rank_b.append(rank_b)

    def seal(self) -> PairStore:
        """Finish adding: sort, and open for reading."""
        if self._order is None:
            jaccard = np.array(self._jaccard, dtype=np.int64)
            rank_a = np.array(self._rank_a, dtype=np.int64)
            rank_b = np.array(self._rank_b, dtype=np.int64)
            self._order = np.lexsort((rank_b, rank_a, -jaccard)).astype(np.int64)
            # The sort keys are not needed any more.
            self._jaccard, self._rank_a, self._rank_b = array("i"), array("i"), array("i")
        return self

    @property
    def order(self) -> npt.NDArray[np.int64]:
        """Report position → the index the pair was added under."""
        order = self.seal()._order
        assert order is not None
        return order

    def _read(self, k: int) -> Pair:
        pair: Pair
        passages: bytes | None
        pair, passages = pickle.loads(self._file.read(k))
        return pair if passages is None else replace(pair, passages=pickle.loads(passages))

    def __len__(self) -> int:
        return len(self._file)

    def _item(self, index: int) -> Pair:
        return self._read(int(self.order[index]))

    def __iter__(self) -> Iterator[Pair]:
        for k in self.order.tolist():
            yield self._read(k)

    def __repr__(self) -> str:
        return f"PairStore({len(self):,} pairs)"

    def close(self) -> None:
        self._file.close()
