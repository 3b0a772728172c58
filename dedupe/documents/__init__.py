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

Layout (each job in one module)::

    documents/
    ├── __init__.py     the public API: iter_documents, read_one, document_from_record
    ├── session.py      one reading, end to end: glues the modules below together
    ├── sources.py      path arguments → sources: directory walk, files, gzip (named
    │                   or not), stdin; the prefixed stream; whole text or decoded lines
    ├── encodings.py    which codec: byte-order marks, UTF-16 without one, windows-1256
    ├── formats/
    │   ├── __init__.py   the registry: one row per format; the extension map, FORMATS,
    │   │                 the messages naming the formats and formats_help() derive from it
    │   ├── sniff.py      the format of a source whose name does not say it
    │   ├── txt.py        .txt            one article per file      (read whole)
    │   ├── json.py       .json           object, array or wrapper  (read whole)
    │   ├── jsonl.py      .jsonl .ndjson  one object per line       (streamed)
    │   └── delimited.py  .csv .tsv       header row, then records  (streamed)
    ├── records.py      RecordReader: one parsed record → one Document (field plans,
    │                   type rules, repeated ids renamed id~2, id~3...)
    ├── fields.py       FieldMap, parse_field_option: which key feeds which attribute
    ├── dates.py        parse_date
    └── problems.py     Problems: every error and warning, worded and located

Data flow::

    paths ─ sources.locate ─► Source ─ open_file / open_stdin, peek ─► first bytes
        ─ format by extension, stdin_format or formats.sniff ─► registry row
        ─ sources.read_text (whole) or sources.read_lines (streamed), encodings deciding
        ─► the row's read() ─ parsed records ─► RecordReader.read ─► Document
    (every step reports to one Problems, which calls on_problem)

The HTTP service skips the files: :func:`document_from_record` hands its request body
straight to a :class:`RecordReader`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from ..errors import FieldError, InputError
from ..models import Document, InputProblem
from .dates import parse_date
from .fields import ATTRIBUTES, DEFAULT_FIELDS, FieldMap, parse_field_option
from .formats import FORMATS, formats_help
from .problems import ProblemHandler, Problems, json_type
from .records import RecordReader
from .session import Session
from .sources import MAX_WHOLE_FILE_BYTES, STDIN_NAME

__all__ = [
    "ATTRIBUTES",
    "DEFAULT_FIELDS",
    "FORMATS",
    "MAX_WHOLE_FILE_BYTES",
    "STDIN_NAME",
    "FieldMap",
    "ProblemHandler",
    "RecordReader",
    "document_from_record",
    "formats_help",
    "iter_documents",
    "parse_date",
    "parse_field_option",
    "read_one",
]


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
    whose extension no format claims (:func:`formats_help` lists them, each optionally
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
    session = Session(fields, encoding, stdin_format, on_problem, stdin)
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

    session = Session(
        fields, encoding, stdin_format, warnings_only, stdin, keep_errors=True
    )
    first: Document | None = None
    count = 0
    for doc in session.run([path]):
        count += 1
        if first is None:
            first = doc
    errors = session.problems.errors
    if errors:  # a non-empty list: errors are kept for read_one
        error = errors[0]
        if len(errors) > 1:
            error.add_note(f"{len(errors) - 1} more problem(s) in {shown}")
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
