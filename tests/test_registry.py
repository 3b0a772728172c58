"""The source registry: the shipped table, the user's own files, and the questions asked of it."""

from __future__ import annotations

import json

import pytest

from dedupe.citations import extract
from dedupe.errors import ConfigError
from dedupe.models import Document
from dedupe.registry import SOURCE_TYPES, Registry, Source, default_registry


def test_spa_outlet_code_maps_to_spa() -> None:
    assert default_registry().source_for_outlet("was") == "spa"


def test_user_registry_extends_the_shipped_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "mine.json"
    extra.write_text(json.dumps({"sources": [{"id": "mypaper", "name": "My Paper", "country": "SA", "type": "newspaper", "aliases": ["صحيفة النخبة"]}]}, ensure_ascii=False), encoding="utf-8")
    registry = Registry.load([extra])
    prov = extract(Document("x", "وذكرت صحيفة النخبة أن الوزير وصل"), registry)
    assert prov.sources == ("mypaper",)
    assert "reuters" in registry.sources


def test_bad_user_registry_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text('{"sources": [{"id": "x", "type": "blog"}]}', encoding="utf-8")
    with pytest.raises(ConfigError, match="type 'blog'"):
        Registry.load([bad])


@pytest.mark.parametrize("source_id", ["spa", "reuters", "afp", "agencies"])
def test_agencies_are_agencies(source_id: str) -> None:
    assert default_registry().is_agency(source_id)


@pytest.mark.parametrize("source_id", ["okaz", "alriyadh", "aljazeera", "bbc"])
def test_newspapers_and_broadcasters_are_not_agencies(source_id: str) -> None:
    registry = default_registry()
    assert source_id in registry.sources
    assert not registry.is_agency(source_id)


@pytest.mark.parametrize("source_id", ["no_such_source", "", "was", None])
def test_unknown_ids_and_none_are_not_agencies(source_id: str | None) -> None:
    assert not default_registry().is_agency(source_id)


def test_is_agency_is_the_type_of_the_registered_source() -> None:
    registry = default_registry()
    for source_id, source in registry.sources.items():
        assert registry.is_agency(source_id) == (source.type == "agency"), source_id


def test_is_agency_follows_a_user_registry_that_overrides_a_type() -> None:
    registry = Registry.from_data(
        {"sources": [{"id": "spa", "name": "SPA", "type": "site", "aliases": ["واس"]}, {"id": "mywire", "type": "agency", "aliases": ["وكالتي"]}]},
        base=default_registry(),
    )
    assert not registry.is_agency("spa")
    assert registry.is_agency("mywire")
    assert registry.is_agency("reuters")
    assert default_registry().is_agency("spa")


def test_source_types() -> None:
    assert SOURCE_TYPES == ("agency", "broadcaster", "newspaper", "site")
    assert Registry([Source("x", "X", "SA", "agency", ("اكس",))]).is_agency("x")
