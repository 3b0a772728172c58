"""Distinct values with their counts, sorting in place: ``np.unique(values, return_counts=True)``
sorts a copy, and the arrays a scan counts (candidate codes, an outlet's shingles) run to
hundreds of megabytes at a million documents."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["counted_in_place"]

_Int = TypeVar("_Int", bound=np.integer)


def counted_in_place(values: npt.NDArray[_Int]) -> tuple[npt.NDArray[_Int], npt.NDArray[np.int64]]:
    """``np.unique(values, return_counts=True)``, sorting ``values`` in place: np.unique sorts a
    copy, and these arrays run to hundreds of megabytes at a million documents."""
    values.sort()
    if len(values) == 0:
        return values, np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return values[starts], np.diff(np.append(starts, len(values)))
