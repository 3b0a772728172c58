"""Byte records appended to a temporary file and read back by number, so that what a scan has
already read does not stay in memory (raw texts, each document's facts, pairs with passages)."""

from __future__ import annotations

import os
import tempfile
from array import array
from typing import IO

__all__ = ["RecordFile"]


class RecordFile:
    """An append-only file of byte records: 16 bytes of memory a record (its offset and length)."""

    def __init__(self, prefix: str = "dedupe-") -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix=prefix)
        self._offsets = array("q")
        self._lengths = array("q")
        self._end = 0
        self._dirty = False

    def append(self, data: bytes) -> int:
        """Store ``data``; return its number."""
        self._offsets.append(self._end)
        self._lengths.append(len(data))
        self._file.write(data)
        self._end += len(data)
        self._dirty = True
        return len(self._offsets) - 1

    def __len__(self) -> int:
        return len(self._offsets)

    def read(self, number: int) -> bytes:
        if self._dirty:
            self._file.flush()
            self._dirty = False
        offset, length = self._offsets[number], self._lengths[number]
        if hasattr(os, "pread"):
            return os.pread(self._file.fileno(), length, offset)
        self._file.seek(offset)  # no pread (Windows)
        data = self._file.read(length)
        self._file.seek(0, 2)
        return data

    def close(self) -> None:
        self._file.close()
