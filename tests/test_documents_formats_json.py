"""``dedupe/documents/formats/json.py``: one JSON value per file (object, array, wrapper), and
JSON Lines sniffed as JSON falling back to lines.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from dedupe.models import InputProblem

from .test_documents import jsonl_bytes, read


def test_json_array_items_get_index_ids_and_bad_items_are_reported(
    tmp_path: Path,
) -> None:
    path = tmp_path / "arr.json"
    path.write_text(
        json.dumps([{"text": "نص أول"}, 42, {"body": "نص ثالث"}], ensure_ascii=False),
        encoding="utf-8",
    )
    docs, problems = read([path])
    assert [(d.id, d.origin) for d in docs] == [
        ("arr.json#0", f"{path}#0"),
        ("arr.json#2", f"{path}#2"),
    ]
    assert problems == [
        InputProblem(
            "error",
            f"{path}#1: expected a JSON object, got number; item skipped",
            str(path),
            None,
        )
    ]


@pytest.mark.parametrize(
    ("content", "expected_id"),
    [
        pytest.param({"docno": "AL-1", "text": "نص"}, "AL-1", id="object-with-docno"),
        pytest.param({"text": "نص"}, "one.json", id="object-without-id-uses-file-name"),
        pytest.param(
            {"data": [{"id": 7, "text": "نص"}]}, "7", id="data-container-int-id"
        ),
        pytest.param(
            {"text": "نص", "items": [1, 2]},
            "one.json",
            id="document-with-items-list-is-not-a-container",
        ),
    ],
)
def test_single_json_object(
    tmp_path: Path, content: dict[str, object], expected_id: str
) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    docs, problems = read([path])
    assert problems == []
    assert [d.id for d in docs] == [expected_id]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            '{"text": "نص",\n "title": }',
            "2: malformed JSON: Expecting value at column 11",
            id="malformed",
        ),
        pytest.param(
            '"just a string"',
            ": expected a JSON object or an array of objects, got string",
            id="scalar",
        ),
        pytest.param(
            "", "1: malformed JSON: Expecting value at column 1", id="empty-file"
        ),
        pytest.param(
            "[" * 100_000, ": malformed JSON: nested too deeply", id="nested-too-deeply"
        ),
    ],
)
def test_bad_json_file_is_one_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    docs, problems = read([path])
    assert docs == []
    assert [p.message for p in problems] == [
        f"{path}:{message}" if message[0].isdigit() else f"{path}{message}"
    ]
    assert problems[0].level == "error"


def test_stdin_jsonl_with_first_line_longer_than_sniff_window() -> None:
    # > 64 KiB on the first line: sniffed as JSON, then read as lines
    long_text = "خبر " * 40_000
    data = jsonl_bytes(
        [{"id": "long", "text": long_text}, {"id": "short", "text": "نص"}]
    )
    docs, problems = read(["-"], stdin=io.BytesIO(data))
    assert problems == []
    assert [d.id for d in docs] == ["long", "short"]
    assert docs[0].text == long_text
