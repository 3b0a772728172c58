"""``dedupe/documents/sources.py``: directories, missing paths, stdin, gzip (named or not), the
whole-read size limit.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
from pathlib import Path

import pytest

from dedupe.documents import MAX_WHOLE_FILE_BYTES, STDIN_NAME
from dedupe.models import InputProblem

from .test_documents import FIXTURES, JSONL_IDS, TEXT_1410, copy_fixture, jsonl_bytes, read


def test_directory_is_walked_recursively_in_sorted_order_skipping_hidden_and_unknown() -> (
    None
):
    root = FIXTURES / "corpus"
    docs, problems = read([root])
    assert problems == []
    assert (
        [d.id for d in docs]
        == [
            "ant/BB-internationalNews-134-20180312.txt",  # id relative to the directory argument
            "AL-culture-1-20180218",
            "snn/snn-2015-07-21-1410.txt",
        ]
    )
    assert docs[0].origin == str(root / "ant" / "BB-internationalNews-134-20180312.txt")
    assert docs[1].origin == f"{root / 'ant' / 'more.jsonl'}:1"
    assert all("مخفي" not in d.text for d in docs)


def test_directory_without_readable_files_warns(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    docs, problems = read([tmp_path])
    assert docs == []
    assert [(p.level, p.path) for p in problems] == [("warning", str(tmp_path))]
    assert "no readable files" in problems[0].message


def test_directory_symlink_loop_is_cut(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "articles.jsonl", tmp_path / "a.jsonl")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    docs, problems = read([tmp_path])
    assert problems == []
    assert [d.id for d in docs] == JSONL_IDS


def test_nonexistent_path_is_one_error_and_reading_goes_on(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    docs, problems = read([missing, FIXTURES / "articles.jsonl"])
    assert [d.id for d in docs] == JSONL_IDS
    assert problems == [
        InputProblem(
            "error", f"{missing}: no such file or directory", str(missing), None
        )
    ]


@pytest.mark.parametrize(
    ("data", "stdin_format", "expected_ids"),
    [
        pytest.param(
            (FIXTURES / "articles.jsonl").read_bytes(),
            None,
            JSONL_IDS,
            id="jsonl-sniffed",
        ),
        pytest.param(
            (FIXTURES / "articles.jsonl").read_bytes(),
            "jsonl",
            JSONL_IDS,
            id="jsonl-explicit",
        ),
        pytest.param(
            gzip.compress((FIXTURES / "articles.jsonl").read_bytes()),
            None,
            JSONL_IDS,
            id="gzip-jsonl-sniffed",
        ),
        pytest.param(
            (FIXTURES / "articles.json").read_bytes(),
            None,
            JSONL_IDS[:2],
            id="json-sniffed",
        ),
        pytest.param(
            (FIXTURES / "articles.csv").read_bytes(),
            "csv",
            JSONL_IDS[1:],
            id="csv-explicit",
        ),
        pytest.param(
            (FIXTURES / "articles.tsv").read_bytes(),
            "tsv",
            JSONL_IDS[:2],
            id="tsv-explicit",
        ),
        pytest.param(TEXT_1410.encode(), None, [STDIN_NAME], id="txt-sniffed"),
        pytest.param(
            b'{"id": "x", "text": "\xd9\x86\xd8\xb5"}\n',
            None,
            ["x"],
            id="one-line-object-sniffed-as-json",
        ),
    ],
)
def test_stdin(data: bytes, stdin_format: str | None, expected_ids: list[str]) -> None:
    docs, problems = read(["-"], stdin=io.BytesIO(data), stdin_format=stdin_format)
    assert problems == []
    assert [d.id for d in docs] == expected_ids


def test_stdin_jsonl_without_ids_uses_stdin_name() -> None:
    data = jsonl_bytes([{"text": "نص أول"}, {"text": "نص ثان"}])
    docs, _ = read(["-"], stdin=io.BytesIO(data))
    assert [(d.id, d.origin) for d in docs] == [
        ("<stdin>:1", "<stdin>:1"),
        ("<stdin>:2", "<stdin>:2"),
    ]


def test_gz_that_is_not_gzip_is_one_error(tmp_path: Path) -> None:
    path = copy_fixture("articles.jsonl", tmp_path, "plain.jsonl.gz")
    docs, problems = read([path, FIXTURES / "articles.csv"])
    assert [d.id for d in docs] == JSONL_IDS[1:]
    assert len(problems) == 1
    assert problems[0].level == "error"
    assert problems[0].message.startswith(
        f"{path}: cannot read: corrupt gzip data (Not a gzipped file"
    )


def test_truncated_gz_keeps_documents_already_read(tmp_path: Path) -> None:
    records = [
        {"id": f"r{i}", "text": f"{TEXT_1410} {i} {os.urandom(200).hex()}"}
        for i in range(400)
    ]
    data = gzip.compress(jsonl_bytes(records))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    docs, problems = read([path])
    assert 0 < len(docs) < 400
    assert [d.id for d in docs] == [f"r{i}" for i in range(len(docs))]
    assert len(problems) == 1
    assert problems[0].level == "error"
    assert problems[0].message.startswith(
        f"{path}: cannot read after line {len(docs)}: truncated gzip data"
    )


def test_whole_read_formats_refuse_huge_files(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_WHOLE_FILE_BYTES + 1)  # sparse: nothing is written or read
    docs, problems = read([path])
    assert docs == []
    assert problems == [
        InputProblem(
            "error",
            f"{path}: size over 256 MB; .json files are read whole, use JSON Lines (.jsonl) for large collections",
            str(path),
            None,
        )
    ]


def test_empty_stdin_is_a_warning_not_a_document() -> None:
    docs, problems = read(["-"], stdin=io.BytesIO(b""))
    assert docs == []
    assert problems == [
        InputProblem("warning", "<stdin>: empty input, no document", STDIN_NAME, None)
    ]
