"""Giving freed memory back to the operating system between the stages of a large scan.

A scan allocates and frees arrays of every size, from a few kilobytes to gigabytes. glibc's
allocator serves the mid-sized ones from its heap once a large block has been freed (it raises
its mmap threshold as it goes), and freed heap pages between live objects stay counted in the
process's memory. :func:`settle` fixes the threshold (blocks of 1 MB and more are mapped on their
own and unmapped when freed) and :func:`trim` hands free heap pages back. Both do nothing
outside glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import lru_cache
from typing import Any

__all__ = ["settle", "trim"]

_M_MMAP_THRESHOLD = -3  # from glibc's <malloc.h>
_THRESHOLD = 1 << 20


@lru_cache(maxsize=1)
def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 (glibc has both; musl has neither)
    except (OSError, AttributeError):
        return None
    return libc


def settle() -> None:
    """Blocks of 1 MB and more get their own mapping, returned to the system when freed."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, _THRESHOLD)


def trim() -> None:
    """Return the heap's free pages to the system."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
