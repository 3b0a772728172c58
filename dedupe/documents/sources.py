"""Sources: where the bytes come from, and how they become text.

* :func:`locate` turns path arguments into :class:`Source` objects: files, directories
  walked in sorted order (hidden names skipped, symlink loops cut) and ``-`` for stdin,
  reporting paths that cannot be used.
* :func:`open_file` and :func:`open_stdin` open them (``.gz`` by name);
  :func:`peek` reads the first bytes, decompressing gzip that has no ``.gz`` name.
* :func:`read_text` (whole-read formats) and :func:`read_lines` (streamed formats)
  decode them with the encoding :mod:`~dedupe.documents.encodings` chose.

Nothing here knows a format: which names are readable is asked of the caller.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, BinaryIO, Final, Protocol

from ..errors import DecodeError, InputError
from .encodings import _Encoding, byte_word, detect_encoding, undecodable
from .problems import READ_ERRORS, Problems, read_reason

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

STDIN_NAME: Final = "<stdin>"
"""How stdin appears in ids, origins and problem messages."""

MAX_WHOLE_FILE_BYTES: Final = 256 * 1024 * 1024
"""``.json`` and ``.txt`` are parsed as one value, so they must fit in memory; beyond this
size the file is refused with a hint to use JSON Lines, instead of exhausting memory."""

SNIFF_BYTES: Final = 64 * 1024
"""How much is read ahead to recognise gzip, the encoding and the format (also the read size)."""

_GZIP_MAGIC: Final = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Source:
    """One input to read, named as ids, origins and problems name it."""

    path: str
    """As given (``<stdin>`` for stdin): origins and problem locations."""
    name: str
    """For ids made without an id field: the path relative to the directory argument,
    or the base name of a file argument, so ids do not depend on the working directory."""
    stdin: bool = False
    """Read from stdin (``-``), not from ``path``."""
    sniffed: bool = False
    """The format was guessed from the content (no known extension, no ``stdin_format``)."""


class ByteSource(Protocol):
    """What the readers need from a source: files, GzipFile, stdin, BytesIO all fit."""

    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Opened:
    """A source opened and peeked at: its stream, and the first bytes already read from it."""

    stream: ByteSource
    head: bytes
    """Up to :data:`SNIFF_BYTES` of content (decompressed for gzip)."""
    gz: bool
    size: int
    """The on-disk size when known and meaningful (not gzip), else 0."""

    @property
    def at_eof(self) -> bool:
        """``head`` is the whole content."""
        return len(self.head) < SNIFF_BYTES


# ---------------------------------------------------------------------------- paths


def locate(
    paths: Sequence[str | os.PathLike[str]],
    problems: Problems,
    readable: Callable[[str], bool],
    no_files: str,
) -> Iterator[Source]:
    """The sources named by ``paths``, in order; a path that cannot be used is reported and skipped.

    Directories yield only files whose name is ``readable``; a directory yielding none
    is warned about with ``no_files``. A file named explicitly is yielded whatever its name.
    """
    for arg in paths:
        if isinstance(arg, str) and arg == "-":
            yield Source(STDIN_NAME, STDIN_NAME, stdin=True)
            continue
        path = os.fspath(arg)
        try:
            is_dir = os.path.isdir(path)
            os.stat(path)
        except OSError as exc:
            reason = (
                "no such file or directory"
                if isinstance(exc, FileNotFoundError)
                else read_reason(exc)
            )
            problems.error(InputError(reason, path=path))
            continue
        if is_dir:
            found = False
            for file_path, rel in _walk(path, problems, readable):
                found = True
                yield Source(file_path, rel)
            if not found:
                problems.warn(path, no_files, path)
        else:
            yield Source(path, os.path.basename(path) or path)


def _walk(
    root: str, problems: Problems, readable: Callable[[str], bool]
) -> Iterator[tuple[str, str]]:
    """Readable files under ``root``, sorted, hidden names skipped, symlink loops cut."""
    visited: set[str] = set()

    def scan(directory: str, prefix: str) -> Iterator[tuple[str, str]]:
        real = os.path.realpath(directory)
        if real in visited:
            return
        visited.add(real)
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            problems.error(
                InputError(f"cannot list directory: {read_reason(exc)}", path=directory)
            )
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            try:
                if entry.is_dir():
                    yield from scan(entry.path, rel + "/")
                elif entry.is_file() and readable(entry.name):
                    yield entry.path, rel
            except OSError as exc:
                problems.error(InputError(read_reason(exc), path=entry.path))

    yield from scan(root, "")


# -------------------------------------------------------------------------- opening


@contextmanager
def open_file(path: str, gz: bool) -> Iterator[tuple[ByteSource, int]]:
    """The file's byte stream, decompressed when ``gz``, and its on-disk size (0 for gzip)."""
    with open(path, "rb") as raw:
        if gz:
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                yield stream, 0
        else:
            yield raw, os.fstat(raw.fileno()).st_size


def open_stdin(stdin: BinaryIO | None) -> ByteSource:
    """The process's stdin, unless the caller hands another stream (tests, a service)."""
    return stdin if stdin is not None else sys.stdin.buffer


class _Prefixed(io.RawIOBase):
    """Bytes already read (to sniff gzip, encoding and format) followed by the rest of the stream.

    Lets every source, including non-seekable stdin, be sniffed and then read from the
    start as one stream.
    """

    def __init__(self, prefix: bytes, rest: ByteSource) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._prefix:
            n = min(len(view), len(self._prefix))
            view[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(view))
        n = len(data)
        view[:n] = data
        return n


def read_upto(stream: ByteSource, size: int) -> bytes:
    """Read ``size`` bytes or up to EOF, however short the underlying reads are (pipes)."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = stream.read(size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def peek(stream: ByteSource, *, gz: bool, size: int = 0) -> Opened:
    """Read the first bytes of ``stream``; gzip without a ``.gz`` name (stdin, a renamed file) is decompressed anyway."""
    head = read_upto(stream, SNIFF_BYTES)
    if not gz and head.startswith(_GZIP_MAGIC):
        stream = gzip.GzipFile(
            fileobj=io.BufferedReader(_Prefixed(head, stream)), mode="rb"
        )
        head = read_upto(stream, SNIFF_BYTES)
        gz = True
        size = 0
    return Opened(stream, head, gz, size)


# ------------------------------------------------------------------------- decoding


def too_big(fmt: str, gz: bool) -> str:
    """Why a whole-read source is refused: it would have to fit in memory."""
    size = "decompressed size" if gz else "size"
    return (
        f"{size} over {MAX_WHOLE_FILE_BYTES // 2**20} MB; .{fmt} files are read whole, "
        "use JSON Lines (.jsonl) for large collections"
    )


def read_text(
    opened: Opened, path: str, fmt: str, encoding: str | None, problems: Problems
) -> str:
    """The whole content as text, for formats parsed as one value.

    Raises :class:`InputError` over :data:`MAX_WHOLE_FILE_BYTES` and :class:`DecodeError`
    when the bytes are not text: a whole-read file has no lines to skip one by one.
    """
    head, gz = opened.head, opened.gz
    data = head + read_upto(opened.stream, MAX_WHOLE_FILE_BYTES + 1 - len(head))
    if len(data) > MAX_WHOLE_FILE_BYTES:
        raise InputError(too_big(fmt, gz), path=path)
    enc, invalid = detect_encoding(data, True, encoding)
    if invalid is not None:
        raise DecodeError(undecodable(invalid, gz), path=path)
    try:
        text = data[enc.bom :].decode(enc.codec)
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"cannot decode: not valid {enc.label} at {byte_word(gz)} {enc.bom + exc.start} ({exc.reason})",
            path=path,
        ) from None
    if enc.note:
        problems.warn(path, enc.note, path)
    return text


def read_lines(
    opened: Opened, path: str, encoding: str | None, problems: Problems
) -> Iterator[tuple[int, str]]:
    """The content as (1-based physical line number, decoded line with its newline), for streamed formats.

    The encoding is decided now, from the first bytes: a file too damaged to read line
    by line raises :class:`DecodeError` before any line is read.
    """
    head, gz = opened.head, opened.gz
    enc, invalid = detect_encoding(head, opened.at_eof, encoding)
    if invalid is not None and not invalid.sparse:
        raise DecodeError(undecodable(invalid, gz), path=path)
    if enc.note:
        problems.warn(path, enc.note, path)
    body = io.BufferedReader(_Prefixed(head[enc.bom :], opened.stream), SNIFF_BYTES)
    return _lines(body, enc, path, gz, enc.bom, problems)


def _lines(
    body: io.BufferedReader[_Prefixed],
    enc: _Encoding,
    path: str,
    gz: bool,
    offset: int,
    problems: Problems,
) -> Iterator[tuple[int, str]]:
    """The lines of ``body``, reporting bad ones.

    Read errors (corrupt gzip) end the file with one error; lines already yielded stay.
    """
    lineno = 0
    where = byte_word(gz)
    try:
        if enc.byte_lines:
            codec = enc.codec
            for raw in body:
                lineno += 1
                try:
                    text = raw.decode(codec)
                except UnicodeDecodeError as exc:
                    problems.error(
                        DecodeError(
                            f"not valid {enc.label} at {where} {offset + exc.start} ({exc.reason}); line skipped",
                            path=path,
                            line=lineno,
                        )
                    )
                else:
                    yield lineno, text
                offset += len(raw)
        else:
            # Without byte lines (UTF-16, UTF-32) the text is decoded in chunks and split
            # after decoding; one bad sequence then stops the file, it cannot be skipped.
            decoder = codecs.getincrementaldecoder(enc.codec)("strict")
            pending = ""
            chunks = chain(iter(lambda: body.read(SNIFF_BYTES), b""), (b"",))
            for chunk in chunks:
                final = not chunk
                try:
                    text = decoder.decode(chunk, final=final)
                except UnicodeDecodeError as exc:
                    raise DecodeError(
                        f"not valid {enc.label} at {where} {offset + exc.start} ({exc.reason}); "
                        f"stopped reading this file after line {lineno}",
                        path=path,
                    ) from None
                offset += len(chunk)
                pending += text
                parts = pending.split("\n")
                pending = parts.pop()
                for part in parts:
                    lineno += 1
                    yield lineno, part + "\n"
            if pending:
                yield lineno + 1, pending
    except READ_ERRORS as exc:
        raise InputError(
            f"cannot read after line {lineno}: {read_reason(exc)}", path=path
        ) from None
