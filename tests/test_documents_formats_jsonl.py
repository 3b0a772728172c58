"""``dedupe/documents/formats/jsonl.py``: one JSON object per line, a bad line costing only itself."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from .test_documents import FIXTURES, JSONL_IDS, TEXT_1410, TITLE_1410, read


def test_jsonl_fixture_reads_every_field() -> None:
    path = FIXTURES / "articles.jsonl"
    docs, problems = read([path])
    assert problems == []
    assert [d.id for d in docs] == JSONL_IDS
    second = docs[1]
    assert second.title == TITLE_1410
    assert second.text == TEXT_1410
    assert second.outlet == "alriyadh"
    assert second.author == "مدريد - أ ف ب"
    assert second.url == "http://www.alriyadh.com/1066764"
    assert second.date == datetime(2015, 7, 21, 23, 17, 43)
    assert second.origin == f"{path}:2"
    assert not second.title_in_text
    assert docs[2].date == datetime(2018, 3, 12, 1, 38, 12, tzinfo=UTC)
    assert "\n" in docs[2].text  # raw text is kept as is


def test_crlf_and_blank_lines_in_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(b'\r\n{"text": "\xd9\x86\xd8\xb5"}\r\n\r\n   \r\n{"text": "b"}')
    docs, problems = read([path])
    assert problems == []
    assert [d.id for d in docs] == ["crlf.jsonl:2", "crlf.jsonl:5"]
    assert docs[0].text == "نص"


def test_malformed_and_non_object_lines(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(
        '{"text": "نص"}\n{"text": "نص",}\n42\nnull\n"نص"\n{"a": '
        + "[" * 100_000
        + "\n",
        encoding="utf-8",
    )
    docs, problems = read([path])
    assert len(docs) == 1
    # json's own wording varies between Python versions; ours is "path:LINE: malformed JSON: ..."
    assert problems[0].message.startswith(f"{path}:2: malformed JSON: ")
    assert [p.message for p in problems[1:]] == [
        f"{path}:3: expected a JSON object, got number; line skipped",
        f"{path}:4: expected a JSON object, got null; line skipped",
        f"{path}:5: expected a JSON object, got string; line skipped",
        f"{path}:6: malformed JSON: nested too deeply",
    ]
