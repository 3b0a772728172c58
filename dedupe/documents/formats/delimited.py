"""CSV (``.csv``) and TSV (``.tsv``): a header row naming the columns, then one record per row, streamed.

One module for both because they differ only in the delimiter and in quoting (TSV is
read without it); the header check, the field-count rule and the physical line numbers
are the same and are written once. The registry passes ``delimiter``.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from typing import Final

from ...errors import FieldError, ParseError
from ...models import Document
from ..records import RecordReader
from ..sources import Source

# csv refuses fields over 128 KiB by default; a long article is one field. sys.maxsize
# overflows the C long on some platforms, 2**31-1 does not.
_CSV_FIELD_LIMIT: Final = min(sys.maxsize, 2**31 - 1)


def read(
    lines: Iterable[tuple[int, str]],
    source: Source,
    records: RecordReader,
    *,
    delimiter: str = ",",
) -> Iterator[Document]:
    """CSV with a header row; TSV is read without quoting (tabs and newlines cannot occur in fields).

    A row whose field count differs from the header's is reported and skipped instead
    of padded: a stray delimiter shifts the columns, and a shifted row would put some
    other column's text in the document. A header without a text column ends the file
    with one :class:`FieldError`. Ids default to ``name:LINE``, the line where the record starts.
    """
    path, name = source.path, source.name
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    first_line = 0

    def feed() -> Iterator[str]:
        # csv joins the lines of a quoted multi-line field itself; remember where it began.
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
            records.problems.error(
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
            if not any(key in header for key in records.fields.text):
                raise FieldError(
                    f"missing text column (looked for: {records.text_keys}; header has: {', '.join(header)})",
                    path=path,
                    line=start,
                )
            continue
        if len(row) != len(header):
            records.problems.error(
                ParseError(
                    f"expected {len(header)} fields as in the header, got {len(row)}; record skipped",
                    path=path,
                    line=start,
                )
            )
            continue
        doc = records.read(
            dict(zip(header, row)),
            f"{name}:{start}",
            f"{path}:{start}",
            path,
            start,
        )
        if doc is not None:
            yield doc
