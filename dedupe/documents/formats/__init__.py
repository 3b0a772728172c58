"""The input formats and their registry: one row per format, everything else derived from the rows.

A row says a format's name, the file extensions that select it, its other names
(accepted for ``stdin_format``), a one-line description, whether it is *streamed*
(:class:`Streamed`: read line by line, so a corpus never has to fit in memory) or read
*whole* (:class:`Whole`: parsed as one value, up to
:data:`~dedupe.documents.sources.MAX_WHOLE_FILE_BYTES`), and its reader: the ``read``
function of its module in this package.

From the rows a :class:`FormatRegistry` derives the extension map (which files a
directory walk reads, and how), :data:`FORMATS`, the message refusing an unknown
``stdin_format``, the warning for a directory without readable files, and
:func:`formats_help` for command-line help. Adding a format is one module with a
``read`` function, its tests, and one row in :data:`REGISTRY`; recognising it without
an extension (stdin) is optional, in :mod:`.sniff`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Final

from ...errors import ConfigError
from ...models import Document
from ..records import RecordReader
from ..sources import Source
from . import delimited, json, jsonl, txt

__all__ = [
    "FORMATS",
    "REGISTRY",
    "Format",
    "FormatRegistry",
    "LineReader",
    "Streamed",
    "TextReader",
    "Whole",
    "formats_help",
]

LineReader = Callable[[Iterable[tuple[int, str]], Source, RecordReader], Iterator[Document]]
"""A streamed format's reader: (1-based line number, line) pairs to documents."""

TextReader = Callable[[str, Source, RecordReader], Iterator[Document]]
"""A whole-read format's reader: the decoded content to documents."""


@dataclass(frozen=True, slots=True)
class Format:
    """What every row says; a row is a :class:`Streamed` or a :class:`Whole`, which adds its reader."""

    name: str
    extensions: tuple[str, ...]
    """Lower-case, with the dot; each also selects the format with ``.gz`` after it."""
    aliases: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Streamed(Format):
    """A format read line by line (JSON Lines, CSV): memory does not grow with the file."""

    read: LineReader


@dataclass(frozen=True, slots=True)
class Whole(Format):
    """A format parsed as one value (JSON, text): the file must fit in memory."""

    read: TextReader


class FormatRegistry:
    """The formats in order, and everything derived from them."""

    def __init__(self, rows: Iterable[Streamed | Whole]) -> None:
        self.rows: tuple[Streamed | Whole, ...] = tuple(rows)
        by_name: dict[str, Streamed | Whole] = {}
        by_extension: dict[str, Streamed | Whole] = {}
        for row in self.rows:
            for name in (row.name, *row.aliases):
                if name in by_name:
                    raise ValueError(f"format name {name!r} is registered twice")
                by_name[name] = row
            for ext in row.extensions:
                if not ext.startswith(".") or ext != ext.lower():
                    raise ValueError(
                        f"format {row.name!r}: extension {ext!r} must be lower-case and start with a dot"
                    )
                if ext in by_extension:
                    raise ValueError(f"extension {ext!r} is registered twice")
                by_extension[ext] = row
        self._by_name: Mapping[str, Streamed | Whole] = by_name
        self.extensions: Mapping[str, Streamed | Whole] = by_extension
        """Extension (``.jsonl``) to format: how a file is read, and whether a directory walk reads it."""
        self.names: tuple[str, ...] = tuple(by_name)
        """Every name and alias, in row order: the values accepted for ``stdin_format``."""
        self.no_files_message: str = (
            f"no readable files in this directory ({' '.join(by_extension)}, optionally .gz)"
        )
        """The warning for a directory argument in which nothing has a known extension."""

    def named(self, name: str) -> Streamed | Whole:
        """The format called ``name`` (or one of its aliases)."""
        return self._by_name[name]

    def stdin_format(self, name: str) -> Streamed | Whole:
        """The format a ``stdin_format`` argument names; :class:`ConfigError` for an unknown one."""
        row = self._by_name.get(name)
        if row is None:
            raise ConfigError(
                f"unknown stdin format {name!r} (expected one of: {', '.join(self.names)})"
            )
        return row

    def format_of(self, path: str) -> tuple[Streamed | Whole | None, bool]:
        """(format by extension or None, gzip by extension)."""
        lower = path.lower()
        gz = lower.endswith(".gz")
        if gz:
            lower = lower[:-3]
        return self.extensions.get(os.path.splitext(lower)[1]), gz

    def knows(self, name: str) -> bool:
        """Whether a file so named is read when met in a directory."""
        return self.format_of(name)[0] is not None

    def help(self) -> str:
        """The extensions read, for command-line help: ``.txt, .json, .jsonl/.ndjson, ..., each optionally gzipped``."""
        listed = ", ".join("/".join(row.extensions) for row in self.rows if row.extensions)
        return f"{listed}, each optionally gzipped"

    def describe(self) -> str:
        """One line per format: its extensions, whether it is streamed, and its description."""
        lines = []
        for row in self.rows:
            how = "streamed" if isinstance(row, Streamed) else "read whole"
            lines.append(f"{'/'.join(row.extensions) or row.name}: {row.description} ({how})")
        return "\n".join(lines)


REGISTRY: Final = FormatRegistry(
    (
        # name, extensions, aliases, description, reader
        Whole(
            "txt",
            (".txt",),
            (),
            "plain text, one article per file; its first line with words is the headline",
            txt.read,
        ),
        Whole(
            "json",
            (".json",),
            (),
            'one JSON object, an array of objects, or a {"documents": [...]} wrapper',
            json.read,
        ),
        Streamed(
            "jsonl",
            (".jsonl", ".ndjson"),
            ("ndjson",),
            "JSON Lines, one object per line",
            jsonl.read,
        ),
        Streamed(
            "csv",
            (".csv",),
            (),
            "comma-separated values with a header row",
            partial(delimited.read, delimiter=","),
        ),
        Streamed(
            "tsv",
            (".tsv",),
            (),
            "tab-separated values with a header row, without quoting",
            partial(delimited.read, delimiter="\t"),
        ),
    )
)
"""The formats :func:`~dedupe.documents.iter_documents` reads."""

FORMATS: Final[tuple[str, ...]] = REGISTRY.names
"""Values accepted for ``stdin_format`` (``ndjson`` is an alias of ``jsonl``)."""


def formats_help() -> str:
    """The extensions :func:`~dedupe.documents.iter_documents` reads, for command-line help
    (``.txt, .json, .jsonl/.ndjson, .csv, .tsv, each optionally gzipped``)."""
    return REGISTRY.help()
