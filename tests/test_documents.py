"""The public API of :mod:`dedupe.documents` (``dedupe/documents/__init__.py``): argument checks,
``read_one``, the first records of the real corpora; and the helpers the other
``test_documents_*.py`` files share (one file per module of the package).

Fixtures are real Arabic news excerpts (see fixtures/inputs/README.md); binary variants
(gzip, UTF-16, windows-1256) are made from them in ``tmp_path`` so the committed files
stay readable.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

import dedupe.documents
from dedupe.documents import STDIN_NAME, iter_documents, read_one
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


PUBLIC_NAMES = {
    "ATTRIBUTES",
    "DEFAULT_FIELDS",
    "FORMATS",
    "MAX_WHOLE_FILE_BYTES",
    "STDIN_NAME",
    "FieldMap",
    "ProblemHandler",
    "RecordReader",
    "document_from_record",
    "formats_help",
    "iter_documents",
    "parse_date",
    "parse_field_option",
    "read_one",
}


def test_public_names_are_exactly_all() -> None:
    assert len(dedupe.documents.__all__) == len(PUBLIC_NAMES)
    assert set(dedupe.documents.__all__) == PUBLIC_NAMES
    namespace: dict[str, object] = {}
    exec("from dedupe.documents import *", namespace)
    assert set(namespace) - {"__builtins__"} == PUBLIC_NAMES


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
