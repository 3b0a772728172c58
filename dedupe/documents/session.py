"""One reading, end to end: path arguments → sources → a format's reader → documents.

:class:`Session` is the glue between the other modules and holds the state one call of
:func:`~dedupe.documents.iter_documents` shares across its files: the problems, and the
:class:`~dedupe.documents.records.RecordReader` whose seen ids make repeats across files
renamed. Per source it opens, peeks, picks the format (extension, ``stdin_format`` or
sniffing), then hands decoded text or lines to the format's ``read``. An error that ends
a source is reported here, once, and the next source is read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import BinaryIO

from ..errors import InputError
from ..models import Document
from .encodings import check_encoding
from .fields import FieldMap
from .formats import REGISTRY, FormatRegistry, Streamed, Whole
from .formats.sniff import sniff_format
from .problems import READ_ERRORS, ProblemHandler, Problems, read_reason
from .records import RecordReader
from .sources import (
    MAX_WHOLE_FILE_BYTES,
    STDIN_NAME,
    ByteSource,
    Source,
    locate,
    open_file,
    open_stdin,
    peek,
    read_lines,
    read_text,
    too_big,
)


class Session:
    """State of one reading; the arguments are checked when it is made, before any reading starts."""

    def __init__(
        self,
        fields: FieldMap,
        encoding: str | None,
        stdin_format: str | None,
        on_problem: ProblemHandler | None,
        stdin: BinaryIO | None,
        *,
        keep_errors: bool = False,
        registry: FormatRegistry = REGISTRY,
    ) -> None:
        self.problems = Problems(on_problem, keep_errors=keep_errors)
        self.records = RecordReader(fields, self.problems)
        if encoding is not None:
            check_encoding(encoding)
        self._stdin_format = (
            None if stdin_format is None else registry.stdin_format(stdin_format)
        )
        self._encoding = encoding
        self._stdin = stdin
        self._registry = registry

    def run(self, paths: Sequence[str | os.PathLike[str]]) -> Iterator[Document]:
        """Every readable document of ``paths``, in order."""
        registry = self._registry
        for source in locate(
            paths, self.problems, registry.knows, registry.no_files_message
        ):
            if source.stdin:
                yield from self._read_stdin(source)
            else:
                yield from self._read_file(source)

    def _read_file(self, source: Source) -> Iterator[Document]:
        fmt, gz = self._registry.format_of(source.path)
        try:
            with open_file(source.path, gz) as (stream, size):
                yield from self._read_stream(stream, source, fmt, gz=gz, size=size)
        except InputError as exc:
            self.problems.error(exc)
        except READ_ERRORS as exc:
            self.problems.error(
                InputError(f"cannot read: {read_reason(exc)}", path=source.path)
            )

    def _read_stdin(self, source: Source) -> Iterator[Document]:
        stream = open_stdin(self._stdin)
        try:
            yield from self._read_stream(stream, source, self._stdin_format, gz=False)
        except InputError as exc:
            self.problems.error(exc)
        except READ_ERRORS as exc:
            self.problems.error(
                InputError(f"cannot read: {read_reason(exc)}", path=STDIN_NAME)
            )

    def _read_stream(
        self,
        stream: ByteSource,
        source: Source,
        fmt: Streamed | Whole | None,
        *,
        gz: bool,
        size: int = 0,
    ) -> Iterator[Document]:
        """Read one source; ``size`` is the on-disk size when known, to refuse huge whole-read files unread."""
        opened = peek(stream, gz=gz, size=size)
        path = source.path
        if fmt is None:
            if not opened.head:
                self.problems.warn(path, "empty input, no document", path)
                return
            name = sniff_format(opened.head, opened.at_eof, self._encoding)
            fmt = self._registry.named(name)
            source = replace(source, sniffed=True)
        if isinstance(fmt, Whole):
            if opened.size > MAX_WHOLE_FILE_BYTES:
                raise InputError(too_big(fmt.name, opened.gz), path=path)
            text = read_text(opened, path, fmt.name, self._encoding, self.problems)
            yield from fmt.read(text, source, self.records)
        else:
            lines = read_lines(opened, path, self._encoding, self.problems)
            yield from fmt.read(lines, source, self.records)
