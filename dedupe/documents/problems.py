"""Problem reporting: how a bad file, line or record becomes one :class:`InputProblem`.

Reading never raises for bad input (see :mod:`dedupe.documents`); every module reports
through one :class:`Problems` per reading instead, so the wording and the location rules
(``path:line`` for line formats, ``path#index`` for JSON arrays, one line per problem)
live here and nowhere else. The small helpers that describe a bad value in a message
(:func:`json_type`, :func:`short`, :func:`read_reason`) are here for the same reason.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable
from typing import Final

from ..errors import InputError
from ..models import InputProblem

ProblemHandler = Callable[[InputProblem], None]
"""Receives each problem as it is found: a scan collects them, ``read_one`` keeps warnings."""

READ_ERRORS: Final = (OSError, EOFError, zlib.error)
"""What reading bytes can raise (disk, truncated or corrupt gzip); each ends one source."""


class Problems:
    """Where the problems of one reading go: the caller's handler, and for ``read_one`` a list."""

    def __init__(
        self, on_problem: ProblemHandler | None, *, keep_errors: bool = False
    ) -> None:
        self._on_problem = on_problem
        self.errors: list[InputError] | None = [] if keep_errors else None
        """Errors as exceptions, kept only for :func:`~dedupe.documents.read_one` (a scan may report millions)."""

    def error(self, exc: InputError, path: str | None = None) -> None:
        """Report an error; ``path`` overrides ``exc.path`` when that is a location like ``f.json#3``."""
        if self.errors is not None:
            self.errors.append(exc)
        if self._on_problem is not None:
            message = _one_line(exc.location_message())
            self._on_problem(InputProblem("error", message, path or exc.path, exc.line))

    def warn(
        self, where: str, reason: str, path: str | None, line: int | None = None
    ) -> None:
        """Report a caveat: the input was used, but not quite as written."""
        if self._on_problem is not None:
            self._on_problem(
                InputProblem("warning", _one_line(f"{where}: {reason}"), path, line)
            )


def record_error(
    kind: type[InputError], reason: str, origin: str, path: str, line: int | None
) -> InputError:
    """An error located at a record: ``path:line`` for line formats, else the origin (``f.json#3``)."""
    if line is not None:
        return kind(reason, path=path, line=line)
    return kind(reason, path=origin)


def read_reason(exc: BaseException) -> str:
    """Why bytes could not be read, in the words of a problem message."""
    if isinstance(exc, EOFError):
        return f"truncated gzip data ({exc})"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return f"corrupt gzip data ({exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def json_type(value: object) -> str:
    """The JSON name of a parsed value's type, as messages say it ("got array")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def short(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters: a message quotes a bad value, not a whole article."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _one_line(text: str) -> str:
    # One problem is one line of a report or a terminal, whatever a record's id holds.
    return text.replace("\r", " ").replace("\n", " ")
