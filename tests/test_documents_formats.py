"""The format registry (``dedupe/documents/formats/__init__.py``) and sniffing (``formats/sniff.py``).

Every format and its gzip variant through one reading; the names, extensions and messages
derived from the registry rows; a row added to a registry is read like the others.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from dedupe.documents import DEFAULT_FIELDS, FORMATS, RecordReader, formats_help, iter_documents
from dedupe.documents.formats import REGISTRY, FormatRegistry, Streamed, Whole
from dedupe.documents.session import Session
from dedupe.documents.sources import Source
from dedupe.errors import ConfigError
from dedupe.models import Document, InputProblem

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


# ------------------------------------------------------------------------- registry


def test_names_extensions_and_messages_come_from_the_registry_rows() -> None:
    rows = REGISTRY.rows
    assert FORMATS == tuple(n for row in rows for n in (row.name, *row.aliases))
    assert FORMATS == ("txt", "json", "jsonl", "ndjson", "csv", "tsv")
    assert {ext: row.name for ext, row in REGISTRY.extensions.items()} == {
        ext: row.name for row in rows for ext in row.extensions
    }
    assert list(REGISTRY.extensions) == [".txt", ".json", ".jsonl", ".ndjson", ".csv", ".tsv"]
    assert formats_help() == ".txt, .json, .jsonl/.ndjson, .csv, .tsv, each optionally gzipped"
    assert REGISTRY.no_files_message == (
        "no readable files in this directory (.txt .json .jsonl .ndjson .csv .tsv, optionally .gz)"
    )
    assert {row.name for row in rows if isinstance(row, Streamed)} == {"jsonl", "csv", "tsv"}
    assert {row.name for row in rows if isinstance(row, Whole)} == {"txt", "json"}
    described = REGISTRY.describe().splitlines()
    assert len(described) == len(rows)
    assert all(row.description in line for row, line in zip(rows, described))


def test_unknown_stdin_format_lists_the_registry_names() -> None:
    with pytest.raises(ConfigError) as info:
        iter_documents(["-"], stdin_format="xml")
    assert str(info.value) == (
        "unknown stdin format 'xml' (expected one of: txt, json, jsonl, ndjson, csv, tsv)"
    )


def _read_pipes(
    lines: Iterable[tuple[int, str]], source: Source, records: RecordReader
) -> Iterator[Document]:
    """A toy format for the registry tests: ``id|text`` per line."""
    for lineno, line in lines:
        doc_id, _, text = line.rstrip("\n").partition("|")
        doc = records.read(
            {"id": doc_id, "text": text}, f"{source.name}:{lineno}", f"{source.path}:{lineno}", source.path, lineno
        )
        if doc is not None:
            yield doc


PIPES = Streamed("psv", (".psv", ".pipe"), ("pipes",), "pipe-separated id|text, one per line", _read_pipes)


def test_a_row_added_to_a_registry_shows_up_in_everything_derived(tmp_path: Path) -> None:
    registry = FormatRegistry([*REGISTRY.rows, PIPES])
    assert registry.names == (*FORMATS, "psv", "pipes")
    assert registry.extensions[".psv"] is PIPES and registry.extensions[".pipe"] is PIPES
    assert registry.format_of("feeds/Wire.PSV.gz") == (PIPES, True)
    assert registry.knows("a.pipe") and not REGISTRY.knows("a.pipe")
    assert registry.help() == ".txt, .json, .jsonl/.ndjson, .csv, .tsv, .psv/.pipe, each optionally gzipped"
    assert registry.no_files_message == (
        "no readable files in this directory (.txt .json .jsonl .ndjson .csv .tsv .psv .pipe, optionally .gz)"
    )
    assert registry.stdin_format("pipes") is PIPES
    with pytest.raises(ConfigError, match=r"expected one of: txt, json, jsonl, ndjson, csv, tsv, psv, pipes\)"):
        registry.stdin_format("xml")
    assert ".psv" not in REGISTRY.extensions  # the registry built from a list is its own

    # and a reading with that registry walks into .psv files and reads them with the row's reader
    (tmp_path / "a.psv").write_text("p1|نص أول\np2|نص ثان\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("نص", encoding="utf-8")
    problems: list[InputProblem] = []
    session = Session(DEFAULT_FIELDS, None, None, problems.append, None, registry=registry)
    assert [(d.id, d.origin) for d in session.run([tmp_path])] == [
        ("p1", f"{tmp_path / 'a.psv'}:1"),
        ("p2", f"{tmp_path / 'a.psv'}:2"),
        ("b.txt", str(tmp_path / "b.txt")),
    ]
    assert problems == []
    stdin = Session(DEFAULT_FIELDS, None, "pipes", None, io.BytesIO(b"s|x\n"), registry=registry)
    assert [d.id for d in stdin.run(["-"])] == ["s"]
    # the default registry does not know the format: the file is skipped
    docs, _ = read([tmp_path])
    assert [d.id for d in docs] == ["b.txt"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        pytest.param([PIPES, PIPES], "format name 'psv' is registered twice", id="name-twice"),
        pytest.param(
            [PIPES, Streamed("pipes", (".x",), (), "", _read_pipes)],
            "format name 'pipes' is registered twice",
            id="alias-is-a-name",
        ),
        pytest.param(
            [PIPES, Streamed("other", (".psv",), (), "", _read_pipes)],
            "extension '.psv' is registered twice",
            id="extension-twice",
        ),
        pytest.param(
            [Streamed("up", (".PSV",), (), "", _read_pipes)],
            "extension '.PSV' must be lower-case and start with a dot",
            id="upper-case-extension",
        ),
        pytest.param(
            [Streamed("nodot", ("psv",), (), "", _read_pipes)],
            "extension 'psv' must be lower-case and start with a dot",
            id="extension-without-dot",
        ),
    ],
)
def test_a_registry_refuses_ambiguous_rows(rows: list[Streamed], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FormatRegistry(rows)
