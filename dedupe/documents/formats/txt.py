"""Plain text (``.txt``): one file is one article; its first line with words is also its headline.

Read whole (the file is one value), so the encoding is decided from all of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from ...models import Document
from ..records import RecordReader
from ..sources import Source

# Scraped articles open with markers such as "[ad_1]": a line of markers is not a headline.
_MARKERS: Final = re.compile(r"\[[A-Za-z_]+\d*\]")
_WORDS: Final = re.compile(r"[^\W\d_]")


def read(text: str, source: Source, records: RecordReader) -> Iterator[Document]:
    """The one document of a text file, its id the file's name (renamed if repeated)."""
    title = ""
    for line in text.splitlines():
        if _WORDS.search(_MARKERS.sub("", line)):
            title = line.strip()
            break
    path = source.path
    doc_id = records.unique_id(source.name, path, path, None)
    # The title is one of the text's own lines: flag it so it is not counted as a repeat there.
    yield Document(
        id=doc_id, text=text, title=title, origin=path, title_in_text=bool(title)
    )
