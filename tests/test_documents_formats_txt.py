"""``dedupe/documents/formats/txt.py``: a text file is one article, its first line with words the headline."""

from __future__ import annotations

from pathlib import Path

from .test_documents import FIXTURES, TITLE_1410, read


def test_txt_is_one_document_with_first_line_as_title(tmp_path: Path) -> None:
    src = FIXTURES / "corpus" / "snn" / "snn-2015-07-21-1410.txt"
    docs, problems = read([src])
    assert problems == []
    (doc,) = docs
    assert doc.id == "snn-2015-07-21-1410.txt"  # file name for a file argument
    assert doc.origin == str(src)
    assert doc.title == TITLE_1410  # first non-empty line, stripped
    # the whole file, title line included, flagged so the title is not counted as repeated
    assert doc.text == src.read_text(encoding="utf-8")
    assert doc.title_in_text
    assert doc.date is None


def test_empty_txt_is_yielded_with_empty_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    docs, problems = read([path])
    assert problems == []
    assert [(d.id, d.text, d.title, d.title_in_text) for d in docs] == [
        ("empty.txt", "", "", False)
    ]
