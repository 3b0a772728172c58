"""JSON Lines (``.jsonl``, ``.ndjson``): one JSON object per line, streamed.

A bad line costs that line: malformed JSON or a value that is not an object is
reported at ``path:LINE`` and reading goes on with the next line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ...errors import ParseError
from ...models import Document
from ..problems import json_type
from ..records import RecordReader
from ..sources import Source


def read(
    lines: Iterable[tuple[int, str]], source: Source, records: RecordReader
) -> Iterator[Document]:
    """One document per object line; ids default to ``name:LINE``, origins are ``path:LINE``."""
    path, name = source.path, source.name
    # Bound once: this loop is the hot path of a large scan.
    loads = json.loads
    build = records.read
    error = records.problems.error
    for lineno, text in lines:
        if not text or text.isspace():
            continue
        try:
            obj = loads(text)
        except json.JSONDecodeError as exc:
            error(ParseError(json_error(exc), path=path, line=lineno))
            continue
        except RecursionError:
            error(
                ParseError("malformed JSON: nested too deeply", path=path, line=lineno)
            )
            continue
        if type(obj) is not dict:
            error(
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


def json_error(exc: json.JSONDecodeError) -> str:
    """A JSON syntax error as problem messages word it (shared with :mod:`.json`)."""
    # json's messages sometimes end in "at" ("Invalid control character at").
    return f"malformed JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}"
