"""The format registry (``dedupe/documents/formats/__init__.py``) and sniffing (``formats/sniff.py``).

Every format and its gzip variant through one reading; the names, extensions and messages
derived from the registry rows; a row added to a registry is read like the others.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from .test_documents import JSONL_IDS, TEXT_1410, TITLE_1410, copy_fixture, jsonl_bytes, read


@pytest.mark.parametrize(
    ("fixture", "new_name", "gz", "expected_ids"),
    [
        pytest.param("articles.jsonl", None, False, JSONL_IDS, id="jsonl"),
        pytest.param(
            "articles.jsonl", "articles.jsonl.gz", True, JSONL_IDS, id="jsonl.gz"
        ),
        pytest.param(
            "articles.jsonl", "articles.ndjson", False, JSONL_IDS, id="ndjson"
        ),
        pytest.param(
            "articles.jsonl",
            "ARTICLES.JSONL.GZ",
            True,
            JSONL_IDS,
            id="uppercase-extension-gz",
        ),
        pytest.param(
            "articles.json", None, False, JSONL_IDS[:2], id="json-container-object"
        ),
        pytest.param(
            "articles.json", "articles.json.gz", True, JSONL_IDS[:2], id="json.gz"
        ),
        pytest.param("articles.csv", None, False, JSONL_IDS[1:], id="csv"),
        pytest.param(
            "articles.csv", "articles.csv.gz", True, JSONL_IDS[1:], id="csv.gz"
        ),
        pytest.param(
            "articles.tsv", None, False, JSONL_IDS[:2], id="tsv-docno-headline-body"
        ),
        pytest.param(
            "articles.tsv", "articles.tsv.gz", True, JSONL_IDS[:2], id="tsv.gz"
        ),
    ],
)
def test_each_format_and_gzip(
    tmp_path: Path,
    fixture: str,
    new_name: str | None,
    gz: bool,
    expected_ids: list[str],
) -> None:
    path = copy_fixture(fixture, tmp_path, new_name, gz=gz)
    docs, problems = read([path])
    assert problems == []
    assert [d.id for d in docs] == expected_ids
    by_id = {d.id: d for d in docs}
    if "snn-2015-07-21-1410" in by_id:
        assert by_id["snn-2015-07-21-1410"].title == TITLE_1410
        assert by_id["snn-2015-07-21-1410"].text == TEXT_1410


@pytest.mark.parametrize(
    ("name", "content", "expected_ids"),
    [
        pytest.param(
            "feed.data",
            jsonl_bytes([{"id": "a", "text": "نص"}, {"id": "b", "text": "نص"}]),
            ["a", "b"],
            id="jsonl",
        ),
        pytest.param(
            "feed.data", b'[{"id": "a", "text": "x"}]', ["a"], id="json-array"
        ),
        pytest.param("ARTICLE", TEXT_1410.encode(), ["ARTICLE"], id="txt"),
        pytest.param(
            "feed.data.gz",
            gzip.compress(b'{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n'),
            ["a", "b"],
            id="gz-with-unknown-inner",
        ),
        pytest.param(
            "feed.bin",
            gzip.compress(b'{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n'),
            ["a", "b"],
            id="gzip-magic-without-gz-name",
        ),
    ],
)
def test_explicit_file_with_unknown_extension_is_sniffed(
    tmp_path: Path, name: str, content: bytes, expected_ids: list[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    docs, problems = read([path])
    assert problems == []
    assert [d.id for d in docs] == expected_ids


def test_stdin_text_opening_with_a_scraper_marker_is_text_not_json() -> None:
    import io

    from dedupe.documents import read_one

    raw = "[ad_1]\nوتقول الدوحة إن مسؤولي المخابرات يعملون على تأمين هدنة\n".encode()
    doc = read_one("-", stdin=io.BytesIO(raw))
    assert doc.text.startswith("[ad_1]") or doc.title == "[ad_1]"
    array = read_one("-", stdin=io.BytesIO('[{"id": "a", "text": "نص الخبر"}]'.encode()))
    assert array.id == "a"
