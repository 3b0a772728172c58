"""Every error ``dedupe`` raises on purpose.

One hierarchy, so callers can catch all of them with ``except DedupeError``::

    DedupeError                      base class; never raised itself
    ├── ConfigError(ValueError)      a config value is out of range or inconsistent
    ├── MissingExtra(ImportError)    an optional dependency is not installed: the message is the install hint
    ├── InputError(ValueError)       a document source cannot be used
    │   ├── DecodeError              bytes are not text in a supported encoding
    │   ├── ParseError               a JSON / JSONL / CSV record is malformed
    │   ├── FieldError               a record lacks a required field or has a wrong type
    │   └── NothingToCheck           an article to check has no text that can be matched
    ├── DocumentSkipped              a document was read but is not scanned (empty, too short, too large)
    └── IndexStoreError              a persistent index cannot be used
        ├── IndexUnavailable(ConnectionError)   cannot be opened or reached (no file, no server)
        ├── IndexIncompatible        made by another schema version or another shingling config
        ├── ArticleNotFound(KeyError)           no article with that id in the index
        └── IndexExtraMissing(ImportError)      the backend's driver is not installed (an install hint)

Each class says how the edges answer it, so that the CLI converts library errors in one place
and the service answers them in one handler:

- ``code``: the machine-readable code of the service's error body (``{"error": {"code": …}}``);
- ``exit_code``: the ``dedupe`` command's exit code (2: bad input or options; 5: the index);
- ``http_status``: the service's status (422 bad input, 404 unknown article, 503 the index or
  a missing extra).

Input errors carry where they happened (``path``, ``line``) so a scan can print one clear line
per problem and go on with the rest; :meth:`DedupeError.detail` is the message without that
location, for answers about one request.
"""

from __future__ import annotations

from typing import ClassVar


class DedupeError(Exception):
    """Base class of every error raised by dedupe."""

    code: ClassVar[str] = "error"
    exit_code: ClassVar[int] = 2
    http_status: ClassVar[int] = 422

    def detail(self) -> str:
        """The message an answer about one request shows (no file location)."""
        return str(self)


class ConfigError(DedupeError, ValueError):
    """A configuration value is invalid."""

    code = "invalid_config"


class MissingExtra(DedupeError, ImportError):
    """An optional dependency is not installed; the message says which extra to install."""

    code = "missing_extra"
    http_status = 503

    def __init__(self, what: str, extra: str) -> None:
        self.extra = extra
        super().__init__(install_hint(what, extra))


def install_hint(what: str, extra: str) -> str:
    return f"{what} needs its extra: pip install 'dedupe-arabic-news[{extra}]'"


class InputError(DedupeError, ValueError):
    """A document source (file, record, stdin) cannot be used."""

    code = "invalid_article"

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

    def detail(self) -> str:
        return self.reason


class DecodeError(InputError):
    """The bytes could not be decoded as text."""


class ParseError(InputError):
    """A record could not be parsed (malformed JSON, CSV, ...)."""


class FieldError(InputError):
    """A record lacks a required field or a field has the wrong type."""


class NothingToCheck(InputError):
    """The article to check is empty, too short or too large once cleaned."""

    code = "nothing_to_check"


class DocumentSkipped(DedupeError):
    """A document was read but will not be scanned; ``reason`` is a short code."""

    code = "not_indexable"

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.why = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


class IndexStoreError(DedupeError):
    """A persistent index cannot be used."""

    code = "index_error"
    exit_code = 5
    http_status = 503


class IndexUnavailable(IndexStoreError, ConnectionError):
    """The index cannot be opened or its server reached."""

    code = "index_unavailable"


class IndexIncompatible(IndexStoreError):
    """The index was written by another schema version or with another shingling config."""

    code = "index_incompatible"


class IndexExtraMissing(IndexStoreError, ImportError):
    """An index backend's driver is not installed: an install hint, with the index's exit code."""

    code = "missing_index_driver"

    def __init__(self, what: str, extra: str) -> None:
        self.extra = extra
        super().__init__(install_hint(what, extra))


class ArticleNotFound(IndexStoreError, KeyError):
    """No article with that id is in the index."""

    code = "unknown_article"
    http_status = 404

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        super().__init__(f"no article with id {article_id!r} in the index")

    def __str__(self) -> str:
        return f"no article with id {self.article_id!r} in the index"
