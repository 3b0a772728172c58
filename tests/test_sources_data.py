"""Checks on the source-provenance table ``dedupe/data/sources.json``.

The table lists news agencies and outlets with the surface forms under which Arabic news credits them:
strong ``aliases`` (unambiguous wherever they occur), ``weak_aliases`` (forms that are also ordinary words,
places or other names, to be matched only in an attribution context), spaced letter ``abbreviations`` and the
corpus ``outlet_codes`` under which the source's own articles appear.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from importlib.resources import files
from typing import Any

import pytest

REQUIRED_IDS = (
    "reuters", "afp", "ap", "dpa", "xinhua", "tass", "ria", "sputnik", "anadolu", "irna", "fars", "tasnim",
    "spa", "qna", "wam", "kuna", "bna", "ona", "mena", "wafa", "sana", "petra", "nna", "ina", "map", "aps",
    "tap", "bloomberg", "aljazeera", "alarabiya", "skynews_ar", "aawsat", "bbc", "cnn", "france24", "haaretz",
    "toi", "jpost", "yedioth", "maariv", "kan", "nyt", "wapo", "wsj", "axios", "agencies",
    # the Saudi newspapers of the SaudiNewsNet corpus
    "alriyadh", "aljazirah", "alyaum", "aleqtisadiya", "okaz", "alwatan", "almadina", "alweeam", "ain_alyoum",
    "sabq", "arriyadiyah",
)
TYPES = {"agency", "broadcaster", "newspaper", "site"}
FIELDS = {
    "id": str, "name": str, "country": str, "type": str,
    "aliases": list, "weak_aliases": list, "abbreviations": list, "outlet_codes": list,
}
LIST_FIELDS = ("aliases", "weak_aliases", "abbreviations", "outlet_codes")

_DIACRITICS = re.compile("[\u064b-\u065f\u0640]")
_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def light_normalize(text: str) -> str:
    """Diacritics and tatweel out, alef/ya/ta-marbuta folded, casefolded, spaces collapsed."""
    text = _DIACRITICS.sub("", text).translate(_ALEFS).casefold()
    return " ".join(text.split())


def _raw_text() -> str:
    return files("dedupe.data").joinpath("sources.json").read_text(encoding="utf-8")


DATA: dict[str, Any] = json.loads(_raw_text())
SOURCES: list[dict[str, Any]] = DATA["sources"]
BY_ID: dict[str, dict[str, Any]] = {s["id"]: s for s in SOURCES}


def _strong(source: dict[str, Any]) -> set[str]:
    return {light_normalize(a) for a in source["aliases"]}


def _weak(source: dict[str, Any]) -> set[str]:
    return {light_normalize(a) for a in source["weak_aliases"]}


def _abbr(source: dict[str, Any]) -> set[str]:
    return {light_normalize(a) for a in source["abbreviations"]}


def _source_params() -> list[Any]:
    return [pytest.param(s, id=str(s.get("id", f"#{i}"))) for i, s in enumerate(SOURCES)]


# --------------------------------------------------------------------------- file shape


def test_top_level_shape() -> None:
    assert DATA["version"] == 1
    assert set(DATA) == {"version", "sources"}
    assert isinstance(SOURCES, list) and len(SOURCES) >= len(REQUIRED_IDS)


def test_file_is_pretty_printed_utf8_without_ascii_escapes() -> None:
    raw = _raw_text()
    assert "رويترز" in raw, "Arabic must be written as UTF-8, not \\u escapes (ensure_ascii=False)"
    assert "\\u06" not in raw
    assert raw.count("\n") > len(SOURCES), "one key a line, not a single-line dump"


@pytest.mark.parametrize("required_id", REQUIRED_IDS)
def test_required_id_present_exactly_once(required_id: str) -> None:
    assert [s["id"] for s in SOURCES].count(required_id) == 1


def test_ids_unique() -> None:
    dupes = [i for i, n in Counter(s["id"] for s in SOURCES).items() if n > 1]
    assert dupes == []


@pytest.mark.parametrize("source", _source_params())
def test_source_fields(source: dict[str, Any]) -> None:
    assert set(source) == set(FIELDS)
    for key, kind in FIELDS.items():
        assert isinstance(source[key], kind), key
    for key in LIST_FIELDS:
        assert all(isinstance(v, str) and v == v.strip() and v for v in source[key]), key
    assert re.fullmatch(r"[a-z0-9_]+", source["id"])
    assert source["name"].strip()
    assert source["type"] in TYPES
    assert source["country"] == "INT" or re.fullmatch(r"[A-Z]{2}", source["country"])


@pytest.mark.parametrize("source", _source_params())
def test_source_has_a_strong_alias(source: dict[str, Any]) -> None:
    assert source["aliases"], "every source needs at least one strong alias"


@pytest.mark.parametrize("source", _source_params())
def test_no_form_is_both_strong_and_weak_within_a_source(source: dict[str, Any]) -> None:
    assert not (_strong(source) | _abbr(source)) & _weak(source)


@pytest.mark.parametrize("source", _source_params())
def test_abbreviations_are_spaced_single_letters(source: dict[str, Any]) -> None:
    for abbr in source["abbreviations"]:
        letters = abbr.split(" ")
        assert len(letters) >= 2 and all(len(letter) == 1 for letter in letters), abbr


@pytest.mark.parametrize("source", _source_params())
def test_outlet_codes_lower_case(source: dict[str, Any]) -> None:
    for code in source["outlet_codes"]:
        assert code == code.lower() and " " not in code, code


# --------------------------------------------------------------------------- cross-source uniqueness


def test_no_strong_form_belongs_to_two_sources() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for source in SOURCES:
        for form in _strong(source) | _abbr(source):
            owners[form].add(source["id"])
    clashes = {form: sorted(ids) for form, ids in owners.items() if len(ids) > 1}
    assert clashes == {}


def test_outlet_codes_unique_across_sources() -> None:
    counts = Counter(code for s in SOURCES for code in s["outlet_codes"])
    assert [code for code, n in counts.items() if n > 1] == []


def test_bare_aljazeera_word_is_weak_for_both_jazeera_and_jazirah() -> None:
    bare = light_normalize("الجزيرة")
    for source_id in ("aljazeera", "aljazirah"):
        assert bare not in _strong(BY_ID[source_id]), source_id
        assert bare in _weak(BY_ID[source_id]), source_id


# --------------------------------------------------------------------------- spot checks


@pytest.mark.parametrize(
    ("source_id", "kind", "form"),
    [
        pytest.param("reuters", "strong", "رويترز", id="reuters-strong"),
        pytest.param("afp", "abbreviation", "أ ف ب", id="afp-abbreviation"),
        pytest.param("afp", "strong", "فرانس برس", id="afp-france-presse-strong"),
        pytest.param("afp", "weak", "الفرنسية", id="afp-french-adjective-weak"),
        pytest.param("dpa", "abbreviation", "د ب أ", id="dpa-abbreviation"),
        pytest.param("mena", "abbreviation", "أ ش أ", id="mena-abbreviation"),
        pytest.param("spa", "weak", "واس", id="spa-was-weak"),
        pytest.param("spa", "strong", "وكالة الأنباء السعودية", id="spa-full-name-strong"),
        pytest.param("aljazeera", "weak", "الجزيرة", id="aljazeera-bare-weak"),
        pytest.param("aljazirah", "weak", "الجزيرة", id="aljazirah-bare-weak"),
        pytest.param("alarabiya", "weak", "العربية", id="alarabiya-bare-weak"),
        pytest.param("alarabiya", "strong", "العربية.نت", id="alarabiya-net-strong"),
        pytest.param("agencies", "strong", "وكالات", id="agencies-strong"),
        pytest.param("qna", "weak", "قنا", id="qna-weak"),
        pytest.param("wam", "weak", "وام", id="wam-weak"),
        pytest.param("bna", "weak", "بنا", id="bna-weak"),
        pytest.param("kan", "weak", "كان", id="kan-verb-weak"),
        pytest.param("tass", "weak", "تاس", id="tass-cas-court-weak"),
        pytest.param("alriyadh", "weak", "الرياض", id="alriyadh-city-weak"),
        pytest.param("okaz", "weak", "عكاظ", id="okaz-souq-weak"),
        pytest.param("sabq", "weak", "سبق", id="sabq-verb-weak"),
        pytest.param("ap", "weak", "AP", id="ap-latin-weak"),
        pytest.param("anadolu", "weak", "AA", id="anadolu-latin-weak"),
        pytest.param("anadolu", "strong", "الأناضول", id="anadolu-strong"),
        pytest.param("cnn", "strong", "CNN", id="cnn-latin-strong"),
    ],
)
def test_form_classification(source_id: str, kind: str, form: str) -> None:
    source = BY_ID[source_id]
    pools = {"strong": _strong(source), "weak": _weak(source), "abbreviation": _abbr(source)}
    assert light_normalize(form) in pools[kind]


@pytest.mark.parametrize(
    ("code", "source_id"),
    [
        pytest.param("was", "spa", id="was-spa"),
        pytest.param("alarabia", "alarabiya", id="alarabia"),
        pytest.param("bbc", "bbc", id="bbc"),
        pytest.param("cnn", "cnn", id="cnn"),
        pytest.param("france24", "france24", id="france24"),
        pytest.param("skynews", "skynews_ar", id="skynews"),
        pytest.param("aawsat", "aawsat", id="aawsat"),
        pytest.param("alriyadh", "alriyadh", id="alriyadh"),
        pytest.param("aljazirah", "aljazirah", id="aljazirah"),
        pytest.param("alyaum", "alyaum", id="alyaum"),
        pytest.param("aleqtisadiya", "aleqtisadiya", id="aleqtisadiya"),
        pytest.param("okaz", "okaz", id="okaz"),
        pytest.param("alwatan", "alwatan", id="alwatan"),
        pytest.param("almadina", "almadina", id="almadina"),
        pytest.param("alweeam", "alweeam", id="alweeam"),
        pytest.param("3alyoum", "ain_alyoum", id="3alyoum"),
        pytest.param("sabq", "sabq", id="sabq"),
        pytest.param("arriyadiyah", "arriyadiyah", id="arriyadiyah"),
        pytest.param("arreyadi", "arreyadi", id="arreyadi-is-not-arriyadiyah"),
    ],
)
def test_corpus_outlet_code_maps_to_source(code: str, source_id: str) -> None:
    owners = [s["id"] for s in SOURCES if code in s["outlet_codes"]]
    assert owners == [source_id]
