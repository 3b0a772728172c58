"""Facts (dedupe.facts): weekdays named, numbers and rare words, the evidence of the template test."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import Config
from dedupe.facts import CorpusFacts, DocumentFrequency, FactFile, NumberFacts, _weekday_words, weekday_mask, weekday_mask_of_hashes
from dedupe.normalize import normalize, tokenize
from dedupe.shingles import TokenHasher


@pytest.mark.parametrize(
    ("text", "days"),
    [
        pytest.param("حالة الطقس المتوقعة اليوم الإثنين", {1}, id="plain-weekday"),
        pytest.param("وصل الوفد أمس الثلاثاء ويغادر الخميس", {2, 4}, id="two-weekdays"),
        pytest.param("تقام المباراة بالجمعة والسبت", {5, 6}, id="clitic-prefixes"),
        pytest.param("قال أحد الجناة إنه نادم", set(), id="ahad-without-article-is-not-sunday"),
    ],
)
def test_weekday_mask(text: str, days: set[int]) -> None:
    assert weekday_mask(tokenize(text)) == sum(1 << d for d in days)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىة 0123456789الاحدالاثنينالثلاثاءالسبتوبل", max_size=120))
def test_weekdays_from_hashes_equal_the_string_version(text: str) -> None:
    tokens = tokenize(text + " الاثنين والسبت بالجمعه 2015م")
    assert weekday_mask_of_hashes(TokenHasher()(tokens)) == weekday_mask(tokens)


def test_the_weekday_table_is_normalized_and_whole() -> None:
    bits, clitics = _weekday_words()
    assert sorted(bits.values()) == [1 << d for d in range(7)]
    assert all(normalize(w) == w for w in [*bits, *clitics])
    assert all(len(c) == 1 for c in clitics)


def _hashes(words: str) -> np.ndarray:
    return np.unique(TokenHasher()(tokenize(words)))


def test_rare_words_and_numbers_are_facts_in_a_large_enough_corpus() -> None:
    common = "اعلن الدفاع المدني اليوم ان الامطار ستستمر في منطقه"
    vocabs = [_hashes(f"{common} رقم{k}") for k in range(6)] + [_hashes(f"{common} جازان 15")]
    numbers = [np.empty(0, np.uint64)] * 6 + [_hashes("15")]
    facts = CorpusFacts.of(vocabs, numbers, Config(template_min_corpus=5, fact_max_df=2))
    assert facts.enabled
    assert set(facts.facts(6).tolist()) == set(_hashes("جازان 15").tolist())  # the common words are in all seven
    small = CorpusFacts.of(vocabs, numbers, Config(template_min_corpus=8))
    assert not small.enabled and len(small.facts(6)) == 0  # below the floor, rarity means nothing


def test_document_frequency_merges_as_it_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DocumentFrequency, "_MERGE", 3)
    frequency = DocumentFrequency()
    for words in ("ا ب ج", "ب ج د", "ج د ه", "ج"):
        frequency.add(_hashes(words))
    values, counts = frequency.result()
    got = dict(zip(values.tolist(), counts.tolist()))
    assert got[int(_hashes("ج")[0])] == 4 and got[int(_hashes("ه")[0])] == 1 and len(got) == 5


def test_fact_file_reads_back_what_was_added() -> None:
    facts = FactFile()
    try:
        facts.add(_hashes("ا ب ج"), _hashes("12"))
        facts.add(np.empty(0, np.uint64), np.empty(0, np.uint64))
        vocab, numbers = facts.read(0)
        assert vocab.tolist() == _hashes("ا ب ج").tolist() and numbers.tolist() == _hashes("12").tolist()
        assert [len(x) for x in facts.read(1)] == [0, 0] and len(facts) == 2
    finally:
        facts.close()


def test_number_facts_are_numbers_only_and_none_in_a_small_index() -> None:
    numbers = [_hashes("5 2015"), _hashes("6 2015")]
    assert NumberFacts(numbers, 1000, Config()).facts(0).tolist() == numbers[0].tolist()
    assert len(NumberFacts(numbers, 999, Config()).facts(0)) == 0
