"""Many small arrays in one: what a scan keeps per document, without an object per document.

A numpy array costs about 112 bytes of header besides its data; a million documents' shingle
sets held as separate arrays spend a tenth of their memory on headers, and every stage that
wants them flat (signatures, the merge walk of verification) has to copy them into one array
first. :class:`Ragged` holds them as one flat array and the offsets of each.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

__all__ = ["Ragged"]

_BLOCK = 4096  # arrays appended are joined in blocks of this many
_KEEP_BLOCK = 4_000_000  # values compacted at a time by keep()


class _Negated:
    """``~mask`` read a slice at a time (no full negated copy)."""

    def __init__(self, mask: npt.NDArray[np.bool_]) -> None:
        self._mask = mask

    def __getitem__(self, part: slice) -> npt.NDArray[np.bool_]:
        return ~self._mask[part]


class Ragged(Sequence[npt.NDArray[Any]]):
    """1-D arrays of one dtype, appended one at a time, read back as views into one flat array."""

    def __init__(self, dtype: npt.DTypeLike) -> None:
        self.dtype = np.dtype(dtype)
        self._blocks: list[npt.NDArray[Any]] = []
        self._pending: list[npt.NDArray[Any]] = []
        self._lengths = array("q")
        self._values: npt.NDArray[Any] | None = None
        self._starts: npt.NDArray[np.int64] | None = None

    def append(self, values: npt.ArrayLike) -> None:
        item = np.asarray(values, dtype=self.dtype)
        if item.ndim != 1:
            raise ValueError("Ragged holds one-dimensional arrays")
        if self._values is not None:  # reading had joined everything: start a new block after it
            self._blocks, self._values, self._starts = [self._values], None, None
        self._pending.append(item)
        self._lengths.append(len(item))
        if len(self._pending) >= _BLOCK:
            self._blocks.append(np.concatenate(self._pending))
            self._pending = []

    def _join(self) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
        if self._values is None or self._starts is None:
            starts = np.zeros(len(self._lengths) + 1, dtype=np.int64)
            if len(self._lengths):
                np.cumsum(np.frombuffer(self._lengths, dtype=np.int64), out=starts[1:])
            values = np.empty(int(starts[-1]), dtype=self.dtype)
            at = 0
            # Copy block by block, dropping each as it is copied: the peak is the result plus
            # one block, not twice the data.
            parts = self._blocks + self._pending
            self._blocks, self._pending = [], []
            while parts:
                part = parts.pop(0)
                values[at : at + len(part)] = part
                at += len(part)
            self._values, self._starts = values, starts
        return self._values, self._starts

    @property
    def values(self) -> npt.NDArray[Any]:
        """All the arrays, one after the other."""
        return self._join()[0]

    @property
    def starts(self) -> npt.NDArray[np.int64]:
        """``self[i]`` is ``values[starts[i]:starts[i + 1]]``; ``len(starts) == len(self) + 1``."""
        return self._join()[1]

    def lengths(self) -> npt.NDArray[np.int64]:
        return np.diff(self.starts)

    def count_per_array(self, flags: npt.NDArray[np.bool_] | _Negated) -> npt.NDArray[np.int64]:
        """How many of ``flags`` (one per value of :attr:`values`) are true in each array,
        counted a block at a time: memory grows with the block and the true flags in it, not
        with every value (``np.add.reduceat`` would cast them all to 64 bits first)."""
        values, starts = self._join()
        counts = np.zeros(len(starts) - 1, dtype=np.int64)
        for lo in range(0, len(values), _KEEP_BLOCK):
            where = np.flatnonzero(flags[lo : lo + _KEEP_BLOCK]) + lo
            if len(where):
                found = np.bincount(np.searchsorted(starts, where, side="right") - 1)
                counts[: len(found)] += found
        return counts

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:
        """Keep only the values where ``mask`` (over :attr:`values`) is true, in every array."""
        values, starts = self._join()
        if len(mask) != len(values):
            raise ValueError("the mask must cover every value")
        counts = np.diff(starts) - self.count_per_array(_Negated(mask))
        kept = np.zeros(len(starts), dtype=np.int64)
        np.cumsum(counts, out=kept[1:])
        # Compacted in place a block at a time: a second copy of every value would double the
        # peak. The values kept are a view of the old buffer (what was dropped stays allocated
        # at its end).
        end = 0
        for lo in range(0, len(values), _KEEP_BLOCK):
            part = values[lo : lo + _KEEP_BLOCK][mask[lo : lo + _KEEP_BLOCK]]
            values[end : end + len(part)] = part
            end += len(part)
        self._values = values[:end]
        self._starts = kept
        self._lengths = array("q", np.diff(kept).tolist())

    def __len__(self) -> int:
        return len(self._lengths)

    @overload
    def __getitem__(self, index: int) -> npt.NDArray[Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[npt.NDArray[Any]]: ...
    def __getitem__(self, index: int | slice) -> npt.NDArray[Any] | list[npt.NDArray[Any]]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        values, starts = self._join()
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("ragged index out of range")
        return values[starts[index] : starts[index + 1]]

    def __iter__(self) -> Iterator[npt.NDArray[Any]]:
        values, starts = self._join()
        bounds = starts.tolist()
        for k in range(len(self)):
            yield values[bounds[k] : bounds[k + 1]]

    @classmethod
    def of(cls, arrays: Sequence[npt.ArrayLike], dtype: npt.DTypeLike) -> Ragged:
        out = cls(dtype)
        for a in arrays:
            out.append(a)
        return out
