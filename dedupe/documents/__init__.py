"""Turn files, directories and stdin into :class:`~dedupe.models.Document` objects.

Newsroom exports are messy: gzip or not, UTF-8 with or without a BOM, UTF-16 from
Windows tools, Windows-1256 from older Arabic systems, one bad line in a million-line
dump. A scan must not die on any of that, so :func:`iter_documents` never raises for
bad input: every problem becomes one :class:`~dedupe.models.InputProblem` (one line:
where, and why) handed to ``on_problem``, and reading goes on with the next record or
file. Whatever could be read is yielded; nothing is dropped silently.

Line-based formats (JSON Lines, CSV, TSV) are streamed so a corpus never has to fit
in memory; ``.json`` and ``.txt`` are single values and are read whole, up to
:data:`MAX_WHOLE_FILE_BYTES`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING, BinaryIO, Final, Protocol

from ..errors import ConfigError, DecodeError, FieldError, InputError, ParseError
from ..models import Document, InputProblem
from .dates import parse_date
from .encodings import _Encoding, check_encoding, detect_encoding, undecodable
from .fields import ATTRIBUTES, DEFAULT_FIELDS, FieldMap, parse_field_option
from .problems import READ_ERRORS, ProblemHandler, Problems, json_type, read_reason
from .records import RecordReader

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "ATTRIBUTES",
    "DEFAULT_FIELDS",
    "FORMATS",
    "MAX_WHOLE_FILE_BYTES",
    "STDIN_NAME",
    "FieldMap",
    "ProblemHandler",
    "RecordReader",
    "iter_documents",
    "parse_date",
    "parse_field_option",
    "read_one",
    "document_from_record",
]

_MARKERS = re.compile(r"\[[A-Za-z_]+\d*\]")
_WORDS = re.compile(r"[^\W\d_]")

FORMATS: Final[tuple[str, ...]] = ("txt", "json", "jsonl", "ndjson", "csv", "tsv")
"""Values accepted for ``stdin_format`` (``ndjson`` is an alias of ``jsonl``)."""

MAX_WHOLE_FILE_BYTES: Final = 256 * 1024 * 1024
"""``.json`` and ``.txt`` are parsed as one value, so they must fit in memory; beyond this
size the file is refused with a hint to use JSON Lines, instead of exhausting memory."""

STDIN_NAME: Final = "<stdin>"
"""How stdin appears in ids, origins and problem messages."""

_SNIFF_BYTES: Final = 64 * 1024
_EXTENSIONS: Final[Mapping[str, str]] = {
    ".txt": "txt",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
}
_CONTAINER_KEYS: Final = ("documents", "articles", "items", "data")
_GZIP_MAGIC: Final = b"\x1f\x8b"
# csv refuses fields over 128 KiB by default; a long article is one field. sys.maxsize
# overflows the C long on some platforms, 2**31-1 does not.
_CSV_FIELD_LIMIT: Final = min(sys.maxsize, 2**31 - 1)


# -------------------------------------------------------------------------- streams


class _ByteSource(Protocol):
    """What the readers need from a source: files, GzipFile, stdin, BytesIO all fit."""

    def read(self, size: int, /) -> bytes: ...


class _Prefixed(io.RawIOBase):
    """Bytes already read (to sniff gzip, encoding and format) followed by the rest of the stream.

    Lets every source, including non-seekable stdin, be sniffed and then read from the
    start as one stream.
    """

    def __init__(self, prefix: bytes, rest: _ByteSource) -> None:
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


def _read_upto(stream: _ByteSource, size: int) -> bytes:
    """Read ``size`` bytes or up to EOF, however short the underlying reads are (pipes)."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = stream.read(size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _format_of(path: str) -> tuple[str | None, bool]:
    """(format by extension or None, gzip by extension)."""
    lower = path.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    return _EXTENSIONS.get(os.path.splitext(lower)[1]), gz


# -------------------------------------------------------------------------- session


class _Session:
    """State of one :func:`iter_documents` call: ids seen (to rename repeats) and resolved key plans."""

    def __init__(
        self,
        field_map: FieldMap,
        encoding: str | None,
        stdin_format: str | None,
        on_problem: ProblemHandler | None,
        stdin: BinaryIO | None,
        *,
        keep_errors: bool = False,
    ) -> None:
        self._fields = field_map
        self._encoding = encoding
        self._stdin_format = "jsonl" if stdin_format == "ndjson" else stdin_format
        self._stdin = stdin
        self.problems = Problems(on_problem, keep_errors=keep_errors)
        self.records = RecordReader(field_map, self.problems)

    # ---- paths

    def run(self, paths: Sequence[str | os.PathLike[str]]) -> Iterator[Document]:
        for arg in paths:
            if isinstance(arg, str) and arg == "-":
                yield from self._read_stdin()
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
                self.problems.error(InputError(reason, path=path))
                continue
            if is_dir:
                found = False
                for file_path, rel in self._walk(path):
                    found = True
                    yield from self._read_file(file_path, rel, explicit=False)
                if not found:
                    self.problems.warn(
                        path,
                        "no readable files in this directory (.txt .json .jsonl .ndjson .csv .tsv, optionally .gz)",
                        path,
                    )
            else:
                yield from self._read_file(
                    path, os.path.basename(path) or path, explicit=True
                )

    def _walk(self, root: str) -> Iterator[tuple[str, str]]:
        """Files with a known extension under ``root``, sorted, hidden names skipped, symlink loops cut."""
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
                self.problems.error(
                    InputError(
                        f"cannot list directory: {read_reason(exc)}", path=directory
                    )
                )
                return
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                rel = prefix + entry.name
                try:
                    if entry.is_dir():
                        yield from scan(entry.path, rel + "/")
                    elif entry.is_file() and _format_of(entry.name)[0] is not None:
                        yield entry.path, rel
                except OSError as exc:
                    self.problems.error(InputError(read_reason(exc), path=entry.path))

        yield from scan(root, "")

    def _read_file(self, path: str, name: str, *, explicit: bool) -> Iterator[Document]:
        fmt, gz = _format_of(path)
        try:
            with open(path, "rb") as raw:
                if gz:
                    with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                        yield from self._read_stream(stream, path, name, fmt, gz=True)
                else:
                    size = os.fstat(raw.fileno()).st_size
                    yield from self._read_stream(
                        raw, path, name, fmt, gz=False, size=size
                    )
        except InputError as exc:
            self.problems.error(exc)
        except READ_ERRORS as exc:
            self.problems.error(InputError(f"cannot read: {read_reason(exc)}", path=path))

    def _read_stdin(self) -> Iterator[Document]:
        stream = self._stdin if self._stdin is not None else sys.stdin.buffer
        try:
            yield from self._read_stream(
                stream, STDIN_NAME, STDIN_NAME, self._stdin_format, gz=False
            )
        except InputError as exc:
            self.problems.error(exc)
        except READ_ERRORS as exc:
            self.problems.error(
                InputError(f"cannot read: {read_reason(exc)}", path=STDIN_NAME)
            )

    # ---- formats

    def _read_stream(
        self,
        stream: _ByteSource,
        path: str,
        name: str,
        fmt: str | None,
        *,
        gz: bool,
        size: int = 0,
    ) -> Iterator[Document]:
        """Read one source; ``size`` is the on-disk size when known, to refuse huge whole-read files unread."""
        head = _read_upto(stream, _SNIFF_BYTES)
        if not gz and head.startswith(_GZIP_MAGIC):
            # gzip without a .gz name (stdin, a renamed file): decompress anyway.
            stream = gzip.GzipFile(
                fileobj=io.BufferedReader(_Prefixed(head, stream)), mode="rb"
            )
            head = _read_upto(stream, _SNIFF_BYTES)
            gz = True
            size = 0
        at_eof = len(head) < _SNIFF_BYTES
        sniffed = fmt is None
        if sniffed and not head:
            self.problems.warn(path, "empty input, no document", path)
            return
        if fmt is None:
            fmt = self._sniff_format(head, at_eof)
        if fmt in ("json", "txt"):
            if size > MAX_WHOLE_FILE_BYTES:
                raise InputError(self._too_big(fmt, gz), path=path)
            yield from self._read_whole(
                head, stream, path, name, fmt, gz=gz, sniffed=sniffed
            )
            return
        enc, invalid = detect_encoding(head, at_eof, self._encoding)
        if invalid is not None and not invalid.sparse:
            raise DecodeError(undecodable(invalid, gz), path=path)
        if enc.note:
            self.problems.warn(path, enc.note, path)
        body = io.BufferedReader(_Prefixed(head[enc.bom :], stream), _SNIFF_BYTES)
        lines = self._lines(body, enc, path, gz, enc.bom)
        if fmt == "jsonl":
            yield from self._jsonl(lines, path, name)
        else:
            yield from self._csv(lines, path, name, "\t" if fmt == "tsv" else ",")

    @staticmethod
    def _too_big(fmt: str, gz: bool) -> str:
        size = "decompressed size" if gz else "size"
        return (
            f"{size} over {MAX_WHOLE_FILE_BYTES // 2**20} MB; .{fmt} files are read whole, "
            "use JSON Lines (.jsonl) for large collections"
        )

    def _sniff_format(self, head: bytes, at_eof: bool) -> str:
        """``{``/``[`` means JSON (one value) or JSON Lines (one object per line); anything else is text."""
        enc, _ = detect_encoding(head, at_eof, self._encoding)
        preview = codecs.getincrementaldecoder(enc.codec)("replace").decode(
            head[enc.bom :], final=at_eof
        )
        preview = preview.lstrip()
        if preview.startswith("["):
            # "[ad_1]" opening a scraped article is text; a JSON array holds values.
            inner = preview[1:].lstrip()
            if not inner or inner[0] in '{["-]0123456789' or inner.startswith(("true", "false", "null")):
                return "json"
            return "txt"
        if not preview.startswith("{"):
            return "txt"
        first, newline, rest = preview.partition("\n")
        if newline and rest.strip():
            try:
                if isinstance(json.loads(first), dict):
                    return "jsonl"
            except (ValueError, RecursionError):
                pass
        return "json"  # falls back to JSON Lines on "Extra data", see _json

    def _lines(
        self,
        body: io.BufferedReader[_Prefixed],
        enc: _Encoding,
        path: str,
        gz: bool,
        offset: int,
    ) -> Iterator[tuple[int, str]]:
        """(1-based physical line number, decoded line with its newline), reporting bad lines.

        Read errors (corrupt gzip) end the file with one error; lines already yielded stay.
        """
        lineno = 0
        where = "decompressed byte" if gz else "byte"
        try:
            if enc.byte_lines:
                codec = enc.codec
                for raw in body:
                    lineno += 1
                    try:
                        text = raw.decode(codec)
                    except UnicodeDecodeError as exc:
                        self.problems.error(
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
                decoder = codecs.getincrementaldecoder(enc.codec)("strict")
                pending = ""
                chunks = chain(iter(lambda: body.read(_SNIFF_BYTES), b""), (b"",))
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

    def _read_whole(
        self,
        head: bytes,
        stream: _ByteSource,
        path: str,
        name: str,
        fmt: str,
        *,
        gz: bool,
        sniffed: bool,
    ) -> Iterator[Document]:
        data = head + _read_upto(stream, MAX_WHOLE_FILE_BYTES + 1 - len(head))
        if len(data) > MAX_WHOLE_FILE_BYTES:
            raise InputError(self._too_big(fmt, gz), path=path)
        enc, invalid = detect_encoding(data, True, self._encoding)
        if invalid is not None:
            raise DecodeError(undecodable(invalid, gz), path=path)
        try:
            text = data[enc.bom :].decode(enc.codec)
        except UnicodeDecodeError as exc:
            where = "decompressed byte" if gz else "byte"
            raise DecodeError(
                f"cannot decode: not valid {enc.label} at {where} {enc.bom + exc.start} ({exc.reason})",
                path=path,
            ) from None
        if enc.note:
            self.problems.warn(path, enc.note, path)
        if fmt == "txt":
            yield from self._txt(text, path, name)
        else:
            yield from self._json(text, path, name, sniffed=sniffed)

    def _txt(self, text: str, path: str, name: str) -> Iterator[Document]:
        """A text file is one article; its first line with words is also its headline.

        Lines holding only scraper markers such as ``[ad_1]`` are not headlines.
        """
        title = ""
        for line in text.splitlines():
            if _WORDS.search(_MARKERS.sub("", line)):
                title = line.strip()
                break
        doc_id = self.records.unique_id(name, path, path, None)
        # The title is one of the text's own lines: flag it so it is not counted as a repeat there.
        yield Document(
            id=doc_id, text=text, title=title, origin=path, title_in_text=bool(title)
        )

    def _json(
        self, text: str, path: str, name: str, *, sniffed: bool
    ) -> Iterator[Document]:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            if sniffed and exc.msg == "Extra data":
                lines = ((i, line) for i, line in enumerate(text.split("\n"), 1))
                yield from self._jsonl(lines, path, name)
                return
            raise ParseError(_json_error(exc), path=path, line=exc.lineno) from None
        except RecursionError:
            raise ParseError("malformed JSON: nested too deeply", path=path) from None
        items: list[object]
        if isinstance(value, dict):
            container = self._container(value)
            if container is None:
                doc = self.records.read(value, name, path, path, None)
                if doc is not None:
                    yield doc
                return
            items = container
        elif isinstance(value, list):
            items = value
        else:
            raise ParseError(
                f"expected a JSON object or an array of objects, got {json_type(value)}",
                path=path,
            )
        for i, item in enumerate(items):
            where = f"{path}#{i}"
            if not isinstance(item, dict):
                self.problems.error(
                    ParseError(
                        f"expected a JSON object, got {json_type(item)}; item skipped",
                        path=where,
                    ),
                    path,
                )
                continue
            doc = self.records.read(item, f"{name}#{i}", where, path, None)
            if doc is not None:
                yield doc

    def _container(self, value: dict[str, object]) -> list[object] | None:
        """The list of a ``{"documents": [...]}`` wrapper, unless ``value`` is itself a document."""
        if any(key in value for key in self._fields.text):
            return None
        for key in _CONTAINER_KEYS:
            items = value.get(key)
            if isinstance(items, list):
                return items
        return None

    def _jsonl(
        self, lines: Iterable[tuple[int, str]], path: str, name: str
    ) -> Iterator[Document]:
        loads = json.loads
        build = self.records.read
        for lineno, text in lines:
            if not text or text.isspace():
                continue
            try:
                obj = loads(text)
            except json.JSONDecodeError as exc:
                self.problems.error(ParseError(_json_error(exc), path=path, line=lineno))
                continue
            except RecursionError:
                self.problems.error(
                    ParseError(
                        "malformed JSON: nested too deeply", path=path, line=lineno
                    )
                )
                continue
            if type(obj) is not dict:
                self.problems.error(
                    ParseError(
                        f"expected a JSON object, got {json_type(obj)}; line skipped",
                        path=path,
                        line=lineno,
                    )
                )
                continue
            doc = build(obj, f"{name}:{lineno}", f"{path}:{lineno}", path, lineno)
            if doc is not None:
                yield doc

    def _csv(
        self, lines: Iterable[tuple[int, str]], path: str, name: str, delimiter: str
    ) -> Iterator[Document]:
        """CSV with a header row; TSV is read without quoting (tabs and newlines cannot occur in fields).

        A row whose field count differs from the header's is reported and skipped instead
        of padded: a stray delimiter shifts the columns, and a shifted row would put some
        other column's text in the document.
        """
        if csv.field_size_limit() < _CSV_FIELD_LIMIT:
            csv.field_size_limit(_CSV_FIELD_LIMIT)
        first_line = 0

        def feed() -> Iterator[str]:
            nonlocal first_line
            for lineno, text in lines:
                if not first_line:
                    first_line = lineno
                yield text

        if delimiter == "\t":
            reader = csv.reader(feed(), delimiter=delimiter, quoting=csv.QUOTE_NONE)
        else:
            reader = csv.reader(feed(), delimiter=delimiter)
        header: list[str] | None = None
        while True:
            first_line = 0
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                self.problems.error(
                    ParseError(
                        f"malformed CSV: {exc}; record skipped",
                        path=path,
                        line=first_line or None,
                    )
                )
                continue
            start = first_line
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if header is None:
                header = [h.strip() for h in row]
                if not any(key in header for key in self._fields.text):
                    raise FieldError(
                        f"missing text column (looked for: {self.records.text_keys}; header has: {', '.join(header)})",
                        path=path,
                        line=start,
                    )
                continue
            if len(row) != len(header):
                self.problems.error(
                    ParseError(
                        f"expected {len(header)} fields as in the header, got {len(row)}; record skipped",
                        path=path,
                        line=start,
                    )
                )
                continue
            doc = self.records.read(
                dict(zip(header, row)),
                f"{name}:{start}",
                f"{path}:{start}",
                path,
                start,
            )
            if doc is not None:
                yield doc

def _json_error(exc: json.JSONDecodeError) -> str:
    # json's messages sometimes end in "at" ("Invalid control character at").
    return f"malformed JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}"


# ------------------------------------------------------------------------------ API


def _session(
    fields: FieldMap,
    encoding: str | None,
    stdin_format: str | None,
    on_problem: ProblemHandler | None,
    stdin: BinaryIO | None,
    *,
    keep_errors: bool = False,
) -> _Session:
    """Check arguments eagerly, so a misconfigured call fails before any reading starts."""
    if not isinstance(fields, FieldMap):
        raise TypeError(f"fields must be a FieldMap, got {type(fields).__name__}")
    if encoding is not None:
        check_encoding(encoding)
    if stdin_format is not None and stdin_format not in FORMATS:
        raise ConfigError(
            f"unknown stdin format {stdin_format!r} (expected one of: {', '.join(FORMATS)})"
        )
    return _Session(
        fields, encoding, stdin_format, on_problem, stdin, keep_errors=keep_errors
    )


def iter_documents(
    paths: Sequence[str | os.PathLike[str]],
    *,
    fields: FieldMap = DEFAULT_FIELDS,
    encoding: str | None = None,
    stdin_format: str | None = None,
    on_problem: ProblemHandler | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Document]:
    """Yield every readable document from files, directories and ``"-"`` (stdin), in order.

    Directories are walked recursively in sorted order, skipping hidden names and files
    whose extension is not one of ``.txt .json .jsonl .ndjson .csv .tsv`` (each optionally
    ``.gz``); a file named explicitly is read whatever its name, its format sniffed if
    unknown. Bad input never raises: each problem goes to ``on_problem`` as one
    :class:`InputProblem` and reading continues, so one broken record or file costs only
    itself. Repeated ids are kept, renamed ``id~2``... with a warning.

    Ids come from the record's id field (strings, or integers made strings). Without
    one, an id is made from the file's *name* -- its path relative to the directory
    argument, or its base name for a file argument, so ids do not depend on the working
    directory: ``name:LINE`` for JSON Lines and CSV (physical 1-based line where the
    record starts), ``name#INDEX`` for JSON arrays (0-based), ``name`` for ``.txt`` and a
    single JSON object. ``origin`` is the same with the path as given (``path:LINE``,
    ``path#INDEX``, ``path``); stdin is called ``<stdin>``.

    Dates are parsed with :func:`parse_date`; an unparseable date is a warning and the
    document is kept with ``date=None``. Naive and aware datetimes can both appear
    (a source without zones gives naive ones).

    ``ConfigError`` (unknown ``encoding`` or ``stdin_format``) and ``TypeError`` are
    raised at call time, not on first iteration.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError("paths must be a sequence of paths, not a single path")
    session = _session(fields, encoding, stdin_format, on_problem, stdin)
    return session.run(list(paths))


def read_one(
    path: str | os.PathLike[str],
    *,
    fields: FieldMap = DEFAULT_FIELDS,
    encoding: str | None = None,
    stdin_format: str | None = None,
    stdin: BinaryIO | None = None,
    on_problem: ProblemHandler | None = None,
) -> Document:
    """Read the single document of ``path`` (for ``dedupe compare A B``).

    Comparing needs exactly one document per side, so unlike :func:`iter_documents`
    this raises: the first error itself (a :class:`InputError` subclass) when the source
    cannot be read or holds an unusable record, or :class:`InputError` saying how many
    documents were found when that is not exactly one. Warnings (encoding guessed, date
    unparseable, ...) still go to ``on_problem``.
    """
    if isinstance(path, (list, tuple)):
        raise TypeError("read_one takes one path")
    shown = STDIN_NAME if isinstance(path, str) and path == "-" else os.fspath(path)
    warn = on_problem

    def warnings_only(problem: InputProblem) -> None:
        if problem.level == "warning" and warn is not None:
            warn(problem)

    session = _session(
        fields, encoding, stdin_format, warnings_only, stdin, keep_errors=True
    )
    first: Document | None = None
    count = 0
    for doc in session.run([path]):
        count += 1
        if first is None:
            first = doc
    if session.problems.errors:  # a non-empty list: errors are kept for read_one
        error = session.problems.errors[0]
        if len(session.problems.errors) > 1:
            error.add_note(f"{len(session.problems.errors) - 1} more problem(s) in {shown}")
        raise error
    if count != 1 or first is None:
        found = "no document" if count == 0 else f"{count} documents"
        raise InputError(f"expected exactly one document, found {found}", path=shown)
    return first


def document_from_record(
    record: object,
    *,
    fields: FieldMap = DEFAULT_FIELDS,
    fallback_id: str = "article",
    origin: str = "<request>",
    on_problem: ProblemHandler | None = None,
) -> Document:
    """One document from one already-parsed JSON object (a service request body), with the
    same field mapping and type rules as the file readers. Raises :class:`FieldError` when
    the record is not an object, lacks a text field or has a field of the wrong type."""
    if not isinstance(record, dict):
        raise FieldError(f"expected a JSON object, got {json_type(record)}", path=origin)
    problems = Problems(on_problem, keep_errors=True)
    doc = RecordReader(fields, problems).read(record, fallback_id, origin, origin, None)
    if doc is None:
        assert problems.errors, "a record refused without an error"
        raise problems.errors[0]
    return doc
