"""``dedupe/documents/formats/delimited.py``: CSV and TSV with a header row, physical line numbers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from .test_documents import FIXTURES, read


def test_csv_multiline_record_keeps_newline_and_physical_line_numbers() -> None:
    path = FIXTURES / "articles.csv"
    docs, _ = read([path])
    # the header is line 1, the BBC record spans lines 3-4, so Alarabiya starts on line 5
    assert [d.origin for d in docs] == [f"{path}:2", f"{path}:3", f"{path}:5"]
    assert docs[1].text.count("\n") == 1
    assert docs[1].title == 'مقتل رجل "هاجم حارسا" لمقر إقامة سفير إيران في النمسا'
    assert docs[2].date == datetime(
        2018, 2, 18, 21, 35, 43, tzinfo=timezone(timedelta(hours=4))
    )


def test_csv_without_id_column_uses_file_name_and_line(tmp_path: Path) -> None:
    path = tmp_path / "wire.csv"
    path.write_text(
        'title,body\nعنوان,"سطر أول\nسطر ثان"\nعنوان ٢,نص\n', encoding="utf-8"
    )
    docs, problems = read([path])
    assert problems == []
    assert [d.id for d in docs] == ["wire.csv:2", "wire.csv:4"]
    assert docs[0].text == "سطر أول\nسطر ثان"


def test_csv_problems_missing_text_column_and_wrong_field_count(tmp_path: Path) -> None:
    no_text = tmp_path / "no_text.csv"
    no_text.write_text("id,title\n1,عنوان\n", encoding="utf-8")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("id,text\n1,نص أول\n2,نص,زائد\n3,نص ثالث\n", encoding="utf-8")
    docs, problems = read([no_text, ragged])
    assert [d.id for d in docs] == ["1", "3"]
    assert [p.message for p in problems] == [
        f"{no_text}:1: missing text column (looked for: text, body, content, article; header has: id, title)",
        f"{ragged}:3: expected 2 fields as in the header, got 3; record skipped",
    ]


def test_tsv_keeps_quotes_literally(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text('id\ttext\n1\t"ذا فويس" برنامج\n', encoding="utf-8")
    docs, problems = read([path])
    assert problems == []
    assert docs[0].text == '"ذا فويس" برنامج'
