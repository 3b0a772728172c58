"""Checks on the citation word lists ``dedupe/data/citation_words.tsv`` and their loader.

The file is language data a linguist edits: these tests catch what an edit can break without
any citation test noticing (an entry spelled otherwise than the normalized tokens it is
compared with never matches; a repeated entry or a misspelt list name is silently useless).
"""

from __future__ import annotations

from collections import Counter
from importlib.resources import files

import pytest

from dedupe.citation_words import LISTS, PHRASE_LISTS, CitationWords, citation_words, parse_citation_words
from dedupe.normalize import normalize

ORDERED = ("relay", "anon_phrases", "clitics_outer", "clitics_inner", "clitic_prefixes")
"""Lists the code reads in order (tuples); the others are frozensets."""


def _raw_text() -> str:
    return files("dedupe.data").joinpath("citation_words.tsv").read_text(encoding="utf-8")


def _rows() -> list[tuple[int, list[str]]]:
    return [
        (number, line.split("\t"))
        for number, line in enumerate(_raw_text().splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]


def _entries() -> dict[str, list[str]]:
    entries: dict[str, list[str]] = {}
    for _, columns in _rows():
        entries.setdefault(columns[0], []).append(columns[1])
    return entries


ENTRIES = _entries()


def test_every_line_is_list_word_note() -> None:
    for number, columns in _rows():
        assert len(columns) in (2, 3), f"line {number}: {columns}"


def test_every_list_the_code_needs_is_present_and_no_other() -> None:
    assert set(ENTRIES) == set(LISTS)
    assert set(LISTS) | {"anon_starts"} == set(CitationWords.__slots__)


@pytest.mark.parametrize("name", LISTS)
def test_entries_are_normalized(name: str) -> None:
    wrong = {entry: normalize(entry) for entry in ENTRIES[name] if normalize(entry) != entry}
    assert wrong == {}, "write each entry in normalized form (entry → normalized)"


@pytest.mark.parametrize("name", LISTS)
def test_no_empty_entries(name: str) -> None:
    for entry in ENTRIES[name]:
        assert entry.strip() and entry == entry.strip(), repr(entry)
        assert all(entry.split(" ")), f"{entry!r}: words are separated by one space"


@pytest.mark.parametrize("name", LISTS)
def test_no_duplicates_within_a_list(name: str) -> None:
    assert [entry for entry, n in Counter(ENTRIES[name]).items() if n > 1] == []


@pytest.mark.parametrize("name", sorted(set(LISTS) - PHRASE_LISTS))
def test_word_lists_hold_single_words(name: str) -> None:
    assert [entry for entry in ENTRIES[name] if len(entry.split()) != 1] == []


def test_relay_is_one_phrase_of_several_words() -> None:
    (phrase,) = ENTRIES["relay"]
    assert len(phrase.split(" ")) >= 2


@pytest.mark.parametrize("name", ["clitics_outer", "clitics_inner"])
def test_clitics_are_single_letters(name: str) -> None:
    assert all(len(c) == 1 for c in ENTRIES[name])


def test_clitic_prefixes_are_made_of_the_clitics() -> None:
    letters = set(ENTRIES["clitics_outer"]) | set(ENTRIES["clitics_inner"])
    assert all(set(prefix) <= letters for prefix in ENTRIES["clitic_prefixes"])


def test_loaded_lists_are_the_file_in_lookup_form() -> None:
    words = citation_words()
    for name in LISTS:
        loaded = getattr(words, name)
        if name in ORDERED:
            assert isinstance(loaded, tuple), name
        else:
            assert isinstance(loaded, frozenset), name
        if name == "relay":
            assert loaded == tuple(ENTRIES[name][0].split(" "))
        elif name in PHRASE_LISTS:
            assert loaded == type(loaded)(tuple(entry.split(" ")) for entry in ENTRIES[name]), name
        else:
            assert loaded == type(loaded)(ENTRIES[name]), name
    expected_starts = {p + phrase[0] for phrase in words.anon_phrases for p in ("", "و", "ف")}
    assert words.anon_starts == expected_starts


def test_loaded_once() -> None:
    assert citation_words() is citation_words()


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("triggers", "وكاله"),
        ("speech", "قال"),
        ("report", "قال"),
        ("report", "ذكرت"),
        ("according", "بحسب"),
        ("interview", "مقابله"),
        ("anon_heads", "مصدر"),
        ("anon_qualifiers", "مطلع"),
        ("place_context", "الامارات"),
    ],
)
def test_spot_checks(name: str, entry: str) -> None:
    assert entry in getattr(citation_words(), name)


def test_spot_checks_of_phrases() -> None:
    words = citation_words()
    assert words.relay == ("نقلا", "عن")
    assert ("شهود", "عيان") in words.anon_phrases
    assert ("الرياض",) in words.place_names and ("الشرق", "الاوسط") in words.place_names


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("speech\tقال\tnote\textra\n", "columns", id="too-many-columns"),
        pytest.param("speach\tقال\n", "unknown list 'speach'", id="misspelt-list"),
        pytest.param("speech\tقال لي\n", "not a word", id="phrase-in-a-word-list"),
        pytest.param("speech\t\n", "not a word", id="empty-entry"),
        pytest.param("speech\tقال\n", "no entries for triggers", id="missing-lists"),
    ],
)
def test_bad_files_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_citation_words(text)


def test_a_second_relay_phrase_is_an_error() -> None:
    text = _raw_text() + "relay\tنقلا من\n"
    with pytest.raises(ValueError, match="exactly one phrase"):
        parse_citation_words(text)
