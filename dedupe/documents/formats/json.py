"""JSON (``.json``): one object, an array of objects, or a ``{"documents": [...]}`` wrapper.

Read whole (the file is one value). An array item that is not an object is reported
at ``path#INDEX`` and skipped; a file that is not JSON at all is one error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Final

from ...errors import ParseError
from ...models import Document
from ..problems import json_type
from ..records import RecordReader
from ..sources import Source
from . import jsonl

# Keys under which exports wrap their list of articles.
_CONTAINER_KEYS: Final = ("documents", "articles", "items", "data")


def read(text: str, source: Source, records: RecordReader) -> Iterator[Document]:
    """The documents of one JSON value; array items get ids ``name#INDEX`` (0-based)."""
    path, name = source.path, source.name
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if source.sniffed and exc.msg == "Extra data":
            # Sniffing saw one object in its window: JSON Lines whose first line is
            # longer than the window looks like that, so read it as lines after all.
            lines = ((i, line) for i, line in enumerate(text.split("\n"), 1))
            yield from jsonl.read(lines, source, records)
            return
        raise ParseError(jsonl.json_error(exc), path=path, line=exc.lineno) from None
    except RecursionError:
        raise ParseError("malformed JSON: nested too deeply", path=path) from None
    items: list[object]
    if isinstance(value, dict):
        container = _container(value, records)
        if container is None:
            doc = records.read(value, name, path, path, None)
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
            records.problems.error(
                ParseError(
                    f"expected a JSON object, got {json_type(item)}; item skipped",
                    path=where,
                ),
                path,
            )
            continue
        doc = records.read(item, f"{name}#{i}", where, path, None)
        if doc is not None:
            yield doc


def _container(value: dict[str, object], records: RecordReader) -> list[object] | None:
    """The list of a ``{"documents": [...]}`` wrapper, unless ``value`` is itself a document."""
    if any(key in value for key in records.fields.text):
        return None
    for key in _CONTAINER_KEYS:
        items = value.get(key)
        if isinstance(items, list):
            return items
    return None
