"""Every error ``dedupe`` raises on purpose.

One hierarchy, so callers can catch all of them with ``except DedupeError``::

    DedupeError                      base class; never raised itself
    ├── ConfigError(ValueError)      a config value is out of range or inconsistent
    ├── InputError(ValueError)       a document source cannot be used
    │   ├── DecodeError              bytes are not text in a supported encoding
    │   ├── ParseError               a JSON / JSONL / CSV record is malformed
    │   └── FieldError               a record lacks a required field or has a wrong type
    ├── DocumentSkipped              a document was read but is not scanned (empty, too short, too large)
    └── IndexStoreError              a persistent index cannot be used
        ├── IndexUnavailable(ConnectionError)   cannot be opened or reached (no file, no server)
        ├── IndexIncompatible        made by another schema version or another shingling config
        └── ArticleNotFound(KeyError)           no article with that id in the index

Input errors carry where they happened (``path``, ``line``) so a scan can print one
clear line per problem and go on with the rest.
"""

from __future__ import annotations


class DedupeError(Exception):
    """Base class of every error raised by dedupe."""


class ConfigError(DedupeError, ValueError):
    """A configuration value is invalid."""


class InputError(DedupeError, ValueError):
    """A document source (file, record, stdin) cannot be used."""

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        super().__init__(self.location_message())

    def location_message(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.reason}"


class DecodeError(InputError):
    """The bytes could not be decoded as text."""


class ParseError(InputError):
    """A record could not be parsed (malformed JSON, CSV, ...)."""


class FieldError(InputError):
    """A record lacks a required field or a field has the wrong type."""


class DocumentSkipped(DedupeError):
    """A document was read but will not be scanned; ``reason`` is a short code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


class IndexStoreError(DedupeError):
    """A persistent index cannot be used."""


class IndexUnavailable(IndexStoreError, ConnectionError):
    """The index cannot be opened or its server reached."""


class IndexIncompatible(IndexStoreError):
    """The index was written by another schema version or with another shingling config."""


class ArticleNotFound(IndexStoreError, KeyError):
    """No article with that id is in the index."""

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        super().__init__(f"no article with id {article_id!r} in the index")

    def __str__(self) -> str:
        return f"no article with id {self.article_id!r} in the index"
