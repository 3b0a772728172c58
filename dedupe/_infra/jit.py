"""numba, when it is installed: the one place that imports it.

The hot loops are written once as plain Python over arrays, each beside the numpy code it
must equal (:mod:`dedupe.shingles`, :mod:`dedupe.signatures`, :mod:`dedupe.verify`,
:mod:`dedupe.passages`, :mod:`dedupe.clusters`, :mod:`dedupe.links`); :func:`compiled` gives the numba-compiled
function (cached on disk, so later processes start warm), or None when numba is missing or
``DEDUPE_NO_COMPILED=1`` is set. Tests run both paths and compare.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

__all__ = ["MIN_WORK", "available", "compiled", "loaded", "when_it_pays"]

MIN_WORK = 200_000
"""Below this many code points (or shingles × permutations / 128), numpy is used: importing
numba and loading its cached kernels costs more than a small batch saves (one article in
`dedupe check`, say)."""


@lru_cache(maxsize=1)
def _numba() -> Any:
    if os.environ.get("DEDUPE_NO_COMPILED"):
        return None
    try:
        import numba
    except ImportError:
        return None
    return numba


def available() -> bool:
    """numba can be used."""
    return _numba() is not None


def loaded() -> bool:
    """numba is already imported by this process (using a kernel costs nothing more)."""
    return _numba.cache_info().currsize > 0 and _numba() is not None


@lru_cache(maxsize=None)
def compiled(func: Any) -> Any:
    """``func`` (a module-level function of plain Python over arrays) compiled by numba, or None
    without numba."""
    numba = _numba()
    if numba is None:
        return None
    return numba.njit(cache=True)(func)


def when_it_pays(func: Any, work: int, use: bool | None = None) -> Any:
    """The compiled ``func`` when compiling pays (``work`` items or more than 10,000, or numba
    already loaded) or when ``use`` asks for it; None for the plain-Python path."""
    if use is None:
        use = work >= 10_000 or loaded()
    return compiled(func) if use else None
