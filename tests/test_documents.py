"""Readers for documents: formats, encodings, per-record problems, dates, field maps.

Fixtures are real Arabic news excerpts (see fixtures/inputs/README.md); binary variants
(gzip, UTF-16, windows-1256) are made from them in ``tmp_path`` so the committed files
stay readable.
"""

from __future__ import annotations

import codecs
import gzip
import io
import itertools
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from dedupe.documents import (
    DEFAULT_FIELDS,
    MAX_WHOLE_FILE_BYTES,
    STDIN_NAME,
    FieldMap,
    iter_documents,
    parse_date,
    parse_field_option,
    read_one,
)
from dedupe.errors import ConfigError, DecodeError, FieldError, InputError, ParseError
from dedupe.models import Document, InputProblem

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "inputs"
CORPORA = ROOT.parent / "shared" / "corpora"

JSONL_IDS = [
    "snn-2015-07-21-1394",
    "snn-2015-07-21-1410",
    "BB-internationalNews-134-20180312",
    "AL-culture-1-20180218",
]
TITLE_1410 = "فقدان ثلاثة صحافيين أسبان في سوريا"
TEXT_1410 = "أعلنت رئيسة اتحاد منظمات الصحافيين الأسبان الثلاثاء أن ثلاثة من الصحافيين الأسبان فقدوا في سوريا منذ نحو عشرة أيام."


def read(
    paths: list[str | os.PathLike[str]], **kwargs: object
) -> tuple[list[Document], list[InputProblem]]:
    problems: list[InputProblem] = []
    docs = list(iter_documents(paths, on_problem=problems.append, **kwargs))  # type: ignore[arg-type]
    return docs, problems


def errors(problems: list[InputProblem]) -> list[InputProblem]:
    return [p for p in problems if p.level == "error"]


def warnings(problems: list[InputProblem]) -> list[InputProblem]:
    return [p for p in problems if p.level == "warning"]


def copy_fixture(
    name: str, tmp_path: Path, new_name: str | None = None, *, gz: bool = False
) -> Path:
    data = (FIXTURES / name).read_bytes()
    target = tmp_path / (new_name or name)
    target.write_bytes(gzip.compress(data) if gz else data)
    return target


def jsonl_bytes(records: Sequence[Mapping[str, object]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


# --------------------------------------------------------------------------- formats


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


def test_crlf_and_blank_lines_in_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(b'\r\n{"text": "\xd9\x86\xd8\xb5"}\r\n\r\n   \r\n{"text": "b"}')
    docs, problems = read([path])
    assert problems == []
    assert [d.id for d in docs] == ["crlf.jsonl:2", "crlf.jsonl:5"]
    assert docs[0].text == "نص"


# ------------------------------------------------------------------------ directories


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


# ------------------------------------------------------------------------------ stdin


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


# -------------------------------------------------------------------------- encodings

# One fixture of each format, re-encoded by the encoding tests.
REENCODED_FIXTURES = [
    "articles.jsonl",
    "articles.csv",
    "corpus/snn/snn-2015-07-21-1410.txt",
    "articles.json",
]


@pytest.mark.parametrize("fixture", REENCODED_FIXTURES)
def test_utf8_bom_is_stripped_without_warning(tmp_path: Path, fixture: str) -> None:
    plain, _ = read([FIXTURES / fixture])
    path = tmp_path / Path(fixture).name
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / fixture).read_bytes())
    docs, problems = read([path])
    assert problems == []
    assert [(d.id, d.title, d.text) for d in docs] == [
        (d.id, d.title, d.text) for d in plain
    ]


UTF16_CASES = [
    pytest.param(
        "utf-16-le", b"\xff\xfe", "UTF-16 LE (byte-order mark found)", id="utf16le-bom"
    ),
    pytest.param(
        "utf-16-be", b"\xfe\xff", "UTF-16 BE (byte-order mark found)", id="utf16be-bom"
    ),
    pytest.param(
        "utf-16-le",
        b"",
        "UTF-16 LE (no byte-order mark; detected from the NUL-byte pattern)",
        id="utf16le-no-bom",
    ),
    pytest.param(
        "utf-16-be",
        b"",
        "UTF-16 BE (no byte-order mark; detected from the NUL-byte pattern)",
        id="utf16be-no-bom",
    ),
]


@pytest.mark.parametrize(("codec", "bom", "note"), UTF16_CASES)
@pytest.mark.parametrize(
    "fixture",
    [
        "articles.jsonl",
        "articles.csv",
        "corpus/ant/BB-internationalNews-134-20180312.txt",
    ],
)
def test_utf16_is_detected_and_warned(
    tmp_path: Path, fixture: str, codec: str, bom: bytes, note: str
) -> None:
    plain, _ = read([FIXTURES / fixture])
    path = tmp_path / Path(fixture).name
    path.write_bytes(
        bom + (FIXTURES / fixture).read_text(encoding="utf-8").encode(codec)
    )
    docs, problems = read([path])
    assert [(d.id, d.title, d.text, d.date) for d in docs] == [
        (d.id, d.title, d.text, d.date) for d in plain
    ]
    assert problems == [
        InputProblem("warning", f"{path}: decoded as {note}", str(path), None)
    ]


@pytest.mark.parametrize("fixture", REENCODED_FIXTURES)
def test_windows_1256_is_detected_and_warned_once(tmp_path: Path, fixture: str) -> None:
    plain, _ = read([FIXTURES / fixture])
    path = tmp_path / Path(fixture).name
    path.write_bytes((FIXTURES / fixture).read_text(encoding="utf-8").encode("cp1256"))
    docs, problems = read([path])
    assert [(d.id, d.title, d.text, d.author) for d in docs] == [
        (d.id, d.title, d.text, d.author) for d in plain
    ]
    assert problems == [
        InputProblem(
            "warning",
            f"{path}: decoded as windows-1256 (not valid UTF-8)",
            str(path),
            None,
        )
    ]


def test_forced_encoding_reads_windows_1256_without_warning(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        (FIXTURES / "articles.jsonl").read_text(encoding="utf-8").encode("cp1256")
    )
    docs, problems = read([path], encoding="cp1256")
    assert problems == []
    assert [d.id for d in docs] == JSONL_IDS


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_undecodable_line_in_utf8_jsonl_is_reported_and_others_load(
    tmp_path: Path, gz: bool
) -> None:
    good = (FIXTURES / "articles.jsonl").read_bytes().splitlines(keepends=True)
    bad = '{"id": "broken", "text": "نص '.encode() + b"\xff\xfe\x80" + b'"}\n'
    data = good[0] + bad + b"".join(good[1:])
    path = tmp_path / ("mixed.jsonl.gz" if gz else "mixed.jsonl")
    path.write_bytes(gzip.compress(data) if gz else data)
    docs, problems = read([path])
    assert [d.id for d in docs] == JSONL_IDS
    offset = data.index(b"\xff")
    where = "decompressed byte" if gz else "byte"
    assert problems == [
        InputProblem(
            "error",
            f"{path}:2: not valid UTF-8 at {where} {offset} (invalid start byte); line skipped",
            str(path),
            2,
        )
    ]


@pytest.mark.parametrize("name", ["latin.txt", "latin.jsonl", "latin.json"])
def test_undecodable_file_is_one_error_with_byte_offset(
    tmp_path: Path, name: str
) -> None:
    # bytes 0x80-0x9F are neither UTF-8 nor windows-1256 Arabic letters
    body = b'{"text": "abc ' + bytes(range(0x80, 0xA0)) * 20 + b'"}\n'
    path = tmp_path / name
    path.write_bytes(body)
    docs, problems = read([path, FIXTURES / "articles.jsonl"])
    assert [d.id for d in docs] == JSONL_IDS  # the next file is still read
    assert len(problems) == 1
    assert problems[0].level == "error"
    assert problems[0].message.startswith(
        f"{path}: cannot decode: not valid UTF-8 at byte 14 (invalid start byte)"
    )


# ---------------------------------------------------------------- per-record problems


def test_messy_jsonl_reports_each_problem_and_keeps_the_rest() -> None:
    path = FIXTURES / "messy.jsonl"
    docs, problems = read([path])
    assert [(d.id, d.text, d.title, d.author, d.outlet) for d in docs] == [
        ("m-1", TEXT_1410, "سليم", "", ""),
        ("m-6", "", "نص فارغ", "", ""),  # empty text is yielded: the pipeline decides
        ("m-1~2", "نص آخر", "معرف مكرر", "", ""),  # duplicate id renamed, nothing lost
        # int id, null text, author list joined, number outlet
        ("9", "", "", "واس، الرياض", "12"),
    ]
    assert docs[2].date is None
    assert [
        (p.level, p.line, p.message.removeprefix(f"{path}:")) for p in problems
    ] == [
        ("error", 2, "2: malformed JSON: Invalid control character at column 36"),
        ("error", 3, "3: expected a JSON object, got array; line skipped"),
        (
            "error",
            4,
            "4: missing text field (looked for: text, body, content, article); record skipped",
        ),
        (
            "error",
            5,
            "5: wrong type for title (key 'title'): expected a string, got object; record skipped",
        ),
        (
            "warning",
            8,
            "8: cannot parse date 'ليس تاريخا' (unrecognised date format: 'ليس تاريخا'); document kept with no date",
        ),
        (
            "warning",
            8,
            f"8: duplicate id 'm-1' (first seen at {path}:1); renamed to 'm-1~2'",
        ),
    ]
    assert all(p.path == str(path) for p in problems)
    assert all("\n" not in p.message for p in problems)


def test_problems_are_ignored_by_default() -> None:
    docs = list(iter_documents([FIXTURES / "messy.jsonl", FIXTURES / "nope.jsonl"]))
    assert len(docs) == 4


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


# ------------------------------------------------------------------------------ gzip


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


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            "2015-08-10 20:27:03",
            datetime(2015, 8, 10, 20, 27, 3),
            id="saudinewsnet-space-separated",
        ),
        pytest.param(
            "Sun, 18 Feb 2018 21:35:43 +0400",
            datetime(2018, 2, 18, 21, 35, 43, tzinfo=timezone(timedelta(hours=4))),
            id="ant-rfc2822-offset",
        ),
        pytest.param(
            "Mon, 14 May 2018 04:16:45 GMT",
            datetime(2018, 5, 14, 4, 16, 45, tzinfo=UTC),
            id="ant-rfc2822-gmt",
        ),
        pytest.param(
            "18 Feb 2018 21:35 -0500",
            datetime(2018, 2, 18, 21, 35, tzinfo=timezone(timedelta(hours=-5))),
            id="rfc2822-no-weekday-no-seconds",
        ),
        pytest.param(
            "Sun, 18 Feb 2018 21:35:43 -0000",
            datetime(2018, 2, 18, 21, 35, 43),
            id="rfc2822-unknown-zone-is-naive",
        ),
        pytest.param(
            "Sun, 18 Feb 18 21:35:43 EST",
            datetime(2018, 2, 18, 21, 35, 43, tzinfo=timezone(timedelta(hours=-5))),
            id="rfc822-two-digit-year-named-zone",
        ),
        pytest.param(
            "2015-08-10T20:27:03", datetime(2015, 8, 10, 20, 27, 3), id="iso-T"
        ),
        pytest.param(
            "2015-08-10T20:27:03Z",
            datetime(2015, 8, 10, 20, 27, 3, tzinfo=UTC),
            id="iso-Z",
        ),
        pytest.param(
            "2015-08-10T20:27:03.250+03:00",
            datetime(
                2015, 8, 10, 20, 27, 3, 250000, tzinfo=timezone(timedelta(hours=3))
            ),
            id="iso-fraction-offset",
        ),
        pytest.param("2015-08-10", datetime(2015, 8, 10), id="iso-date-only"),
        pytest.param("20150810", datetime(2015, 8, 10), id="iso-basic-date"),
        pytest.param(
            "  2015-08-10 20:27:03\n",
            datetime(2015, 8, 10, 20, 27, 3),
            id="surrounding-whitespace",
        ),
        pytest.param(
            "٢٠١٥-٠٨-١٠ ٢٠:٢٧:٠٣",
            datetime(2015, 8, 10, 20, 27, 3),
            id="arabic-indic-digits",
        ),
        pytest.param(
            1439238423, datetime(2015, 8, 10, 20, 27, 3, tzinfo=UTC), id="epoch-int"
        ),
        pytest.param(
            1439238423.5,
            datetime(2015, 8, 10, 20, 27, 3, 500000, tzinfo=UTC),
            id="epoch-float",
        ),
        pytest.param(
            "1439238423",
            datetime(2015, 8, 10, 20, 27, 3, tzinfo=UTC),
            id="epoch-string",
        ),
        pytest.param(None, None, id="null"),
        pytest.param("", None, id="empty"),
        pytest.param("   ", None, id="blank"),
    ],
)
def test_parse_date(value: object, expected: datetime | None) -> None:
    assert parse_date(value) == expected
    result = parse_date(value)
    if expected is not None and result is not None:
        assert (result.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("not a date", id="words"),
        pytest.param("25 شوال 1436", id="hijri-text"),
        pytest.param("10/08/2015", id="ambiguous-day-month"),
        pytest.param("2015-13-45", id="impossible-iso"),
        pytest.param("31 Feb 2018 10:00:00 +0000", id="impossible-rfc2822"),
        pytest.param(1439238423000, id="epoch-milliseconds-not-guessed"),
        pytest.param(True, id="boolean"),
        pytest.param(["2015-08-10"], id="list"),
        pytest.param(float("nan"), id="nan"),
    ],
)
def test_parse_date_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


# ------------------------------------------------------------------------ field maps


def test_default_fields() -> None:
    assert FieldMap() == DEFAULT_FIELDS
    assert DEFAULT_FIELDS.id == ("id", "doc_id", "docno", "DOCNO", "_id", "guid")
    assert DEFAULT_FIELDS.text == ("text", "body", "content", "article")
    assert DEFAULT_FIELDS.date == (
        "date",
        "published",
        "published_at",
        "pubDate",
        "datetime",
    )


def test_override_is_the_only_key_tried(tmp_path: Path) -> None:
    path = tmp_path / "o.jsonl"
    path.write_bytes(
        jsonl_bytes(
            [
                {
                    "docid": "d1",
                    "text": "نص قصير",
                    "body_html": "<p>نص</p>",
                    "id": "ignored",
                },
                {"docid": "d2", "text": "لا يوجد body_html هنا"},
            ]
        )
    )
    fields = DEFAULT_FIELDS.with_overrides(
        parse_field_option(["text=body_html", "id = docid"])
    )
    assert fields.text == ("body_html",)
    assert fields.id == ("docid",)
    assert fields.title == DEFAULT_FIELDS.title
    docs, problems = read([path], fields=fields)
    assert [(d.id, d.text) for d in docs] == [("d1", "<p>نص</p>")]
    assert [p.message for p in problems] == [
        f"{path}:2: missing text field (looked for: body_html); record skipped"
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(
            ["text"],
            "field option 'text' must look like ATTR=KEY, e.g. text=body",
            id="no-equals",
        ),
        pytest.param(
            ["=body"],
            "field option '=body' must look like ATTR=KEY, e.g. text=body",
            id="no-attribute",
        ),
        pytest.param(
            ["text="],
            "field option 'text=' must look like ATTR=KEY, e.g. text=body",
            id="no-key",
        ),
        pytest.param(
            ["txt=body"],
            "field option 'txt=body': unknown document attribute 'txt' (expected one of: id, title, text, date, outlet, author, url)",
            id="unknown-attribute",
        ),
        pytest.param(
            ["origin=path"],
            "field option 'origin=path': unknown document attribute 'origin'",
            id="origin-is-not-mappable",
        ),
        pytest.param(
            ["text=body", "text=content"],
            "field option 'text=content': 'text' is already mapped to 'body'",
            id="conflicting-twice",
        ),
    ],
)
def test_parse_field_option_errors(options: list[str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_field_option(options)
    assert str(info.value).startswith(message)


def test_field_option_repeated_identically_is_fine() -> None:
    assert parse_field_option(["text=body", "text=body", "date=pubDate"]) == {
        "text": "body",
        "date": "pubDate",
    }


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(
            lambda: DEFAULT_FIELDS.with_overrides({"headline": "title"}),
            id="override-unknown-attribute",
        ),
        pytest.param(
            lambda: DEFAULT_FIELDS.with_overrides({"text": " "}),
            id="override-blank-key",
        ),
        pytest.param(lambda: FieldMap(text=()), id="empty-candidates"),
        pytest.param(lambda: FieldMap(text=["text"]), id="list-instead-of-tuple"),  # type: ignore[arg-type]
    ],
)
def test_bad_field_maps(build: object) -> None:
    with pytest.raises(ConfigError):
        build()  # type: ignore[operator]


# -------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        pytest.param({"encoding": "klingon-8"}, ConfigError, id="unknown-encoding"),
        pytest.param({"stdin_format": "xml"}, ConfigError, id="unknown-stdin-format"),
        pytest.param(
            {"fields": {"text": "body"}}, TypeError, id="fields-not-a-fieldmap"
        ),
    ],
)
def test_bad_arguments_raise_at_call_time(
    kwargs: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        iter_documents([FIXTURES / "articles.jsonl"], **kwargs)  # type: ignore[arg-type]


def test_single_path_string_is_a_programmer_error() -> None:
    with pytest.raises(TypeError):
        iter_documents(str(FIXTURES / "articles.jsonl"))


# --------------------------------------------------------------------------- read_one


@pytest.mark.parametrize(
    ("name", "content", "expected_id"),
    [
        pytest.param(
            "a.json", b'{"id": "x", "text": "\xd9\x86\xd8\xb5"}', "x", id="json-object"
        ),
        pytest.param(
            "a.jsonl",
            b'\n{"text": "\xd9\x86\xd8\xb5"}\n\n',
            "a.jsonl:2",
            id="jsonl-one-line",
        ),
        pytest.param("a.txt", TEXT_1410.encode(), "a.txt", id="txt"),
    ],
)
def test_read_one(tmp_path: Path, name: str, content: bytes, expected_id: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert read_one(path).id == expected_id
    assert read_one(str(path)).id == expected_id


def test_read_one_from_stdin() -> None:
    doc = read_one("-", stdin=io.BytesIO(TEXT_1410.encode()))
    assert (doc.id, doc.text) == (STDIN_NAME, TEXT_1410)


def test_read_one_passes_warnings_on(tmp_path: Path) -> None:
    path = tmp_path / "w.txt"
    path.write_bytes(TEXT_1410.encode("cp1256"))
    seen: list[InputProblem] = []
    assert read_one(path, on_problem=seen.append).text == TEXT_1410
    assert [p.level for p in seen] == ["warning"]


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        pytest.param(
            "two.jsonl",
            b'{"text": "a"}\n{"text": "b"}\n',
            InputError,
            "two.jsonl: expected exactly one document, found 2 documents",
            id="two-documents",
        ),
        pytest.param(
            "none.jsonl",
            b"\n\n",
            InputError,
            "none.jsonl: expected exactly one document, found no document",
            id="no-document",
        ),
        pytest.param(
            "bad.jsonl",
            b'{"text": "a"\n',
            ParseError,
            "bad.jsonl:1: malformed JSON:",
            id="malformed",
        ),
        pytest.param(
            "notext.json",
            b'{"title": "a"}',
            FieldError,
            "notext.json: missing text field",
            id="missing-text",
        ),
        pytest.param(
            "latin.txt",
            b"abc \x80\x81\x82 def",
            DecodeError,
            "latin.txt: cannot decode",
            id="undecodable",
        ),
    ],
)
def test_read_one_errors(
    tmp_path: Path, name: str, content: bytes, error: type[InputError], message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        read_one(path)
    assert str(info.value).startswith(f"{tmp_path}/{message}")


def test_read_one_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        read_one(tmp_path / "missing.json")


# ------------------------------------------------------------------------ real corpora


@pytest.mark.skipif(
    not CORPORA.is_dir(), reason=f"shared corpora not present at {CORPORA}"
)
@pytest.mark.parametrize(
    ("name", "date_shape"),
    [
        pytest.param("saudinewsnet.jsonl.gz", "naive", id="saudinewsnet"),
        pytest.param("ant-multisource.jsonl.gz", "aware", id="ant-multisource"),
    ],
)
def test_first_2000_records_of_real_corpora(name: str, date_shape: str) -> None:
    path = CORPORA / name
    if not path.is_file():
        pytest.skip(f"{path} not present")
    problems: list[InputProblem] = []
    docs = list(
        itertools.islice(iter_documents([path], on_problem=problems.append), 2000)
    )
    assert problems == []
    assert len(docs) == 2000
    assert len({d.id for d in docs}) == 2000
    assert all(d.date is not None for d in docs)
    assert all(
        (d.date is not None and d.date.tzinfo is not None) == (date_shape == "aware")
        for d in docs
    )
    assert all(d.outlet and d.url for d in docs)
    assert sum(1 for d in docs if d.text.strip()) > 1900
    assert docs[0].origin == f"{path}:1"


@pytest.mark.parametrize(
    ("encoding", "bom", "codec"),
    [
        pytest.param(
            "utf-16", codecs.BOM_UTF16_LE, "utf-16-le", id="utf-16-codec-reads-bom"
        ),
        pytest.param(
            "utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le", id="utf-16-le-bom-stripped"
        ),
        pytest.param("utf-8", codecs.BOM_UTF8, "utf-8", id="utf-8-bom-stripped"),
        pytest.param("windows-1256", b"", "cp1256", id="windows-1256-alias"),
    ],
)
@pytest.mark.parametrize("name", ["a.txt", "a.csv"])
def test_forced_encoding(
    tmp_path: Path, encoding: str, bom: bytes, codec: str, name: str
) -> None:
    content = ("text\n" if name.endswith(".csv") else "") + TEXT_1410
    path = tmp_path / name
    path.write_bytes(bom + content.encode(codec))
    docs, problems = read([path], encoding=encoding)
    assert problems == []
    assert [d.text for d in docs] == [TEXT_1410]


def test_empty_stdin_is_a_warning_not_a_document() -> None:
    docs, problems = read(["-"], stdin=io.BytesIO(b""))
    assert docs == []
    assert problems == [
        InputProblem("warning", "<stdin>: empty input, no document", STDIN_NAME, None)
    ]


def test_stdin_text_opening_with_a_scraper_marker_is_text_not_json() -> None:
    import io

    from dedupe.documents import read_one

    raw = "[ad_1]\nوتقول الدوحة إن مسؤولي المخابرات يعملون على تأمين هدنة\n".encode()
    doc = read_one("-", stdin=io.BytesIO(raw))
    assert doc.text.startswith("[ad_1]") or doc.title == "[ad_1]"
    array = read_one("-", stdin=io.BytesIO('[{"id": "a", "text": "نص الخبر"}]'.encode()))
    assert array.id == "a"
