"""``dedupe/documents/fields.py``: :class:`FieldMap` candidates and overrides, ``ATTR=KEY`` options."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedupe.documents import DEFAULT_FIELDS, FieldMap, parse_field_option
from dedupe.errors import ConfigError

from .test_documents import jsonl_bytes, read


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
