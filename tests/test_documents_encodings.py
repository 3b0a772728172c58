"""``dedupe/documents/encodings.py``: byte-order marks, UTF-16 without one, windows-1256, forced
encodings, undecodable lines and files.
"""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest

from dedupe.models import InputProblem

from .test_documents import FIXTURES, JSONL_IDS, TEXT_1410, read


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
