"""Persistent indexes of articles, opened by URL.

==============================  ==========================================================
``sqlite:///relative/path.db``  one SQLite file (the default backend); four slashes for an
``sqlite:////abs/path.db``      absolute path; a bare path means the same
``redis://host:port/db``        Redis; ``?prefix=name`` keeps several indexes in one db
``memory://``                   this process only (library use, tests)
==============================  ==========================================================

The default URL is ``$DEDUPE_INDEX``, else ``sqlite:///dedupe-index.db``.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..config import Config
from ..errors import ConfigError
from .base import SCHEMA_VERSION, Entry, Index

__all__ = ["DEFAULT_URL", "SCHEMA_VERSION", "Entry", "Index", "default_url", "open_index"]

DEFAULT_URL = "sqlite:///dedupe-index.db"


def default_url() -> str:
    return os.environ.get("DEDUPE_INDEX") or DEFAULT_URL


def open_index(url: str | None = None, config: Config | None = None, *, create: bool = True) -> Index:
    """Open (or create, unless ``create`` is false) the index at ``url``.

    An existing index keeps the shingling and LSH settings it was built with: without
    ``config`` they are read from it; a ``config`` that files articles differently raises
    :class:`~dedupe.errors.IndexIncompatible`.
    """
    url = url or default_url()
    if url.startswith("memory:"):
        from .memory import MemoryIndex

        return MemoryIndex(config)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from .redis import RedisIndex

        return RedisIndex(url, config, create=create)
    if url.startswith("sqlite:"):
        if not url.startswith("sqlite:///"):
            raise ConfigError(f"an SQLite index URL is sqlite:///relative/path.db or sqlite:////absolute/path.db, not {url!r}")
        path = url[len("sqlite:///") :]
    elif "://" in url:
        raise ConfigError(f"unknown index URL {url!r}: use sqlite:///path.db, redis://host:port/db or memory://")
    else:
        path = url
    if not path:
        raise ConfigError("the SQLite index URL names no file")
    from .sqlite import SQLiteIndex

    return SQLiteIndex(Path(path), config, create=create)
