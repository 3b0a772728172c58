from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.normalize import normalize, token_spans, tokenize

from .conftest import SEED_000
from .variants import orthographic_variant


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("مُحَمَّدٌ", "محمد", id="harakat-and-shadda-deleted"),
        pytest.param("كتـــاب", "كتاب", id="tatweel-deleted"),
        pytest.param("الرحمٰن", "الرحمن", id="superscript-alef-deleted"),
        pytest.param("صلى الله عليه وسلمۖ", "صلي الله عليه وسلم", id="quranic-marks-deleted"),
        pytest.param("أحمد إبراهيم آمن ٱلله", "احمد ابراهيم امن الله", id="alef-variants-folded"),
        pytest.param("مستشفى", "مستشفي", id="alef-maqsura-to-ya"),
        pytest.param("مدرسة", "مدرسه", id="ta-marbuta-to-ha"),
        pytest.param("مؤتمر رئيس", "مءتمر رءيس", id="waw-and-ya-hamza-to-hamza"),
        pytest.param("کتاب گل", "كتاب كل", id="persian-keheh-gaf-to-kaf"),
        pytest.param("ایران یے", "ايران يي", id="farsi-yeh-and-yeh-barree-to-ya"),
        pytest.param("ہ ۀ ھ", "ه ه ه", id="heh-variants-to-ha"),
        pytest.param("پ چ ژ ڤ", "ب ج ز ف", id="persian-letters-to-arabic"),
        pytest.param("٢٠١٥ ۱۴۳۶", "2015 1436", id="indic-digits-to-ascii"),
        pytest.param("CNN Reuters", "cnn reuters", id="latin-casefold"),
        pytest.param("قال\u200cت \u200fمصر\u200e \u061cغزة \u202bالقدس\u202c \u2067عمان\u2069 \ufeffدبي", "قالت مصر غزه القدس عمان دبي", id="zero-width-and-bidi-controls-deleted"),
        pytest.param("«قال»، “نعم”؛ لماذا؟", "قال نعم لماذا", id="arabic-punctuation-and-quotes-to-space"),
        pytest.param("2015م.وأكدت", "2015م واكدت", id="glued-sentences-split"),
        pytest.param("#عاصي_الحلاني", "عاصي الحلاني", id="hashtag-underscore-split"),
        pytest.param("\ufefb", "لا", id="nfkc-lam-alef-ligature"),
        pytest.param("  كثير    من\n\nالمسافات\t", "كثير من المسافات", id="whitespace-collapsed"),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_orthographic_variant_of_seed_has_identical_tokens() -> None:
    raw = SEED_000.read_text(encoding="utf-8")
    variant = orthographic_variant(raw)
    assert variant != raw
    assert tokenize(variant) == tokenize(raw)


def test_token_spans_point_into_raw_text() -> None:
    raw = "قالَ رئيسُ الوزراءِ «القطريّ»، إنه تم ٢٠٢٤م.وأكدت"
    spans = token_spans(raw)
    assert [s.token for s in spans] == tokenize(raw)
    for s in spans:
        assert normalize(raw[s.start : s.end]) == s.token


arabicish = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
        st.sampled_from(list(" .،؛؟«»\n\t_-0123456789abcXYZ\u200c\u200d\u200e\u200f\u061c\u202a\u202e\u2066\u2069\ufeff")),
    ),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), arabicish))
def test_normalize_is_idempotent_and_total(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert "  " not in once and once == once.strip()
    assert unicodedata.is_normalized("NFKC", once)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), arabicish))
def test_token_spans_yield_exactly_the_tokens(text: str) -> None:
    spans = token_spans(text)
    assert [s.token for s in spans] == tokenize(text)
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)


@pytest.mark.parametrize("text", ["ǰ", "ΐ", "ẖ", "ὐ", "كلمة ǰ كلمة"])
def test_letters_whose_case_fold_never_settles_under_nfkc(text: str) -> None:
    # casefold() decomposes them and NFKC composes them back: normalization must still end.
    once = normalize(text)
    assert normalize(once) == once
    assert tokenize(text)


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(max_size=80), arabicish))
def test_raw_word_spans_by_arrays_equal_the_regex(text: str) -> None:
    # Long texts find their raw words with per-code-point classes instead of the regex: the
    # spans must be the regex's, for any text (forced here on short ones too).
    import importlib

    nz = importlib.import_module("dedupe.normalize")  # the package's `normalize` is the function

    expected = [m.span() for m in nz._RAW_WORD.finditer(text)]
    starts, ends = nz._raw_word_spans(text, by_arrays=True)
    assert list(zip(starts, ends)) == expected
