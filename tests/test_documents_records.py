"""``dedupe/documents/records.py``: one record to one Document: type rules, field values, repeated
ids renamed, unparseable dates dropped with a warning.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dedupe.documents import DEFAULT_FIELDS, RecordReader, document_from_record
from dedupe.documents.problems import Problems
from dedupe.errors import FieldError
from dedupe.models import InputProblem

from .test_documents import jsonl_bytes, read


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        pytest.param(
            {"text": ["نص"]},
            "wrong type for text (key 'text'): expected a string, got array",
            id="text-list",
        ),
        pytest.param(
            {"text": "نص", "author": ["واس", {"x": 1}]},
            "wrong type for author (key 'author'): expected a string, got array",
            id="author-list-with-object",
        ),
        pytest.param(
            {"text": "نص", "url": True},
            "wrong type for url (key 'url'): expected a string, got boolean",
            id="url-boolean",
        ),
        pytest.param(
            {"text": "نص", "id": 1.5},
            "wrong type for id (key 'id'): expected a string or an integer, got number",
            id="id-float",
        ),
        pytest.param(
            {"text": "نص", "id": ["a"]},
            "wrong type for id (key 'id'): expected a string or an integer, got array",
            id="id-list",
        ),
        pytest.param(
            {"body": {"html": "<p>"}},
            "wrong type for text (key 'body'): expected a string, got object",
            id="body-object",
        ),
        pytest.param(
            {"title": "عنوان"},
            "missing text field (looked for: text, body, content, article)",
            id="missing-text",
        ),
    ],
)
def test_wrong_field_type_skips_the_record(
    tmp_path: Path, record: dict[str, object], reason: str
) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(jsonl_bytes([{"id": "ok", "text": "نص"}, record]))
    docs, problems = read([path])
    assert [d.id for d in docs] == ["ok"]
    assert problems == [
        InputProblem("error", f"{path}:2: {reason}; record skipped", str(path), 2)
    ]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(
            {"text": 2018, "title": 3.5}, ("2018", "3.5"), id="numbers-become-strings"
        ),
        pytest.param({"text": None, "title": None}, ("", ""), id="nulls-become-empty"),
        pytest.param(
            {"content": "نص", "headline": "عنوان", "text_ar": "x"},
            ("نص", "عنوان"),
            id="alternative-keys",
        ),
        pytest.param(
            {"text": "", "body": "ignored"},
            ("", ""),
            id="first-present-key-wins-even-if-empty",
        ),
    ],
)
def test_field_values(
    tmp_path: Path, record: dict[str, object], expected: tuple[str, str]
) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(jsonl_bytes([record]))
    docs, problems = read([path])
    assert problems == []
    assert [(d.text, d.title) for d in docs] == [expected]


def test_duplicate_ids_across_files_are_renamed_with_warnings(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    a.write_bytes(jsonl_bytes([{"id": "x", "text": "1"}, {"id": "x~2", "text": "2"}]))
    b = tmp_path / "b.jsonl"
    b.write_bytes(jsonl_bytes([{"id": "x", "text": "3"}, {"id": "x", "text": "4"}]))
    docs, problems = read([a, b])
    assert [(d.id, d.text) for d in docs] == [
        ("x", "1"),
        ("x~2", "2"),
        ("x~3", "3"),
        ("x~4", "4"),
    ]
    assert [p.message for p in problems] == [
        f"{b}:1: duplicate id 'x' (first seen at {a}:1); renamed to 'x~3'",
        f"{b}:2: duplicate id 'x' (first seen at {a}:1); renamed to 'x~4'",
    ]
    assert {p.level for p in problems} == {"warning"}


def test_unparseable_date_keeps_the_document(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(
        jsonl_bytes(
            [
                {"id": "a", "text": "نص", "date": "25 شوال 1436"},
                {"id": "b", "text": "نص", "date": ""},
            ]
        )
    )
    docs, problems = read([path])
    assert [(d.id, d.date) for d in docs] == [("a", None), ("b", None)]
    assert [(p.level, p.line) for p in problems] == [("warning", 1)]
    assert "cannot parse date '25 شوال 1436'" in problems[0].message


def test_one_record_reader_renames_repeats_and_reports_at_the_record() -> None:
    problems: list[InputProblem] = []
    reader = RecordReader(DEFAULT_FIELDS, Problems(problems.append))
    first = reader.read({"id": "x", "body": "نص"}, "fb", "<a>", "<a>", None)
    again = reader.read({"id": "x", "text": "نص آخر"}, "fb", "f.jsonl:3", "f.jsonl", 3)
    unnamed = reader.read({"text": "نص"}, "f.json#4", "dir/f.json#4", "dir/f.json", None)
    refused = reader.read({"title": "عنوان"}, "fb", "dir/f.json#5", "dir/f.json", None)
    assert first is not None and again is not None and unnamed is not None
    assert (first.id, first.text, first.origin) == ("x", "نص", "<a>")
    assert (again.id, again.origin) == ("x~2", "f.jsonl:3")
    assert unnamed.id == "f.json#4"
    assert refused is None
    assert reader.unique_id("x", "other", "other", None) == "x~3"
    assert problems == [
        InputProblem("warning", "f.jsonl:3: duplicate id 'x' (first seen at <a>); renamed to 'x~2'", "f.jsonl", 3),
        InputProblem(
            "error",
            "dir/f.json#5: missing text field (looked for: text, body, content, article); record skipped",
            "dir/f.json",
            None,
        ),
        InputProblem("warning", "other: duplicate id 'x' (first seen at <a>); renamed to 'x~3'", "other", None),
    ]


def test_document_from_record_reads_like_a_file_record(tmp_path: Path) -> None:
    record = {"docno": 7, "content": "نص", "headline": 3.5, "byline": ["واس", "الرياض"], "pubDate": "2015-08-10"}
    path = tmp_path / "r.jsonl"
    path.write_bytes(jsonl_bytes([record]))
    (from_file,), problems = read([path])
    assert problems == []
    assert document_from_record(record, origin=str(path)) == replace(from_file, origin=str(path))
    with pytest.raises(FieldError, match="^<request>: expected a JSON object, got array$"):
        document_from_record([record])
    with pytest.raises(FieldError, match="^<request>: wrong type for text"):
        document_from_record({"text": ["نص"]})
    with pytest.raises(TypeError):
        document_from_record(record, fields={"text": "content"})  # type: ignore[arg-type]
