"""Token and shingle hashes (dedupe.shingles): against a slow reference in Python integers, and
the batch path from raw texts (numpy and compiled) against tokenize-then-hash."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe._infra import jit
from dedupe.normalize import tokenize
from dedupe.shingles import TokenHasher, shingle_sequence, shingle_set, shingle_size_for, text_token_hashes

from .conftest import EXAMPLE, SEED_000, SEED_003, SNN, first_texts, needs_corpus

needs_numba = pytest.mark.skipif(not jit.available(), reason="numba is not installed: the compiled kernels are not built")

MASK64 = (1 << 64) - 1


def _fmix64(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    return h ^ (h >> 33)


def reference_token_hash(token: str) -> int:
    """The token hash in Python integers: fmix64(Σ code_point_i · W[i mod 64] + length · W_LEN)."""
    from dedupe.shingles import _W, _W_LEN

    acc = sum(ord(c) * int(_W[i % 64]) for i, c in enumerate(token)) + len(token) * int(_W_LEN)
    return _fmix64(acc & MASK64)


def reference_shingle_hashes(tokens: list[str], size: int, min_size: int) -> list[int]:
    """Slow, obviously correct n-gram hashing: Python integers, one shingle at a time."""
    from dedupe.shingles import _MULTIPLIERS

    n = shingle_size_for(len(tokens), size, min_size)
    if n == 0:
        return []
    token_hashes = [reference_token_hash(t) for t in tokens]
    mult = [int(m) for m in _MULTIPLIERS[n]]
    out = []
    for i in range(len(tokens) - n + 1):
        h = sum(token_hashes[i + j] * mult[j] for j in range(n)) & MASK64
        h ^= h >> 33
        h = (h * 0xFF51AFD7ED558CCD) & MASK64
        h ^= h >> 33
        h = (h * 0xC4CEB9FE1A85EC53) & MASK64
        h ^= h >> 33
        out.append(h >> 32)
    return out


def test_shingle_hashes_match_reference_on_seed() -> None:
    tokens = tokenize(SEED_003.read_text(encoding="utf-8"))
    fast = shingle_sequence(TokenHasher()(tokens), 5, 2)
    assert fast.tolist() == reference_shingle_hashes(tokens, 5, 2)


@pytest.mark.parametrize(
    ("count", "expected_n"),
    [pytest.param(10, 5, id="long-enough"), pytest.param(3, 3, id="short-falls-back"), pytest.param(1, 0, id="below-minimum")],
)
def test_short_documents_fall_back_to_smaller_n(count: int, expected_n: int) -> None:
    assert shingle_size_for(count, 5, 2) == expected_n
    tokens = ["كلمه"] * count
    assert len(shingle_sequence(TokenHasher()(tokens), 5, 2)) == (count - expected_n + 1 if expected_n else 0)


def test_word_order_matters() -> None:
    h = TokenHasher()
    a = shingle_set(h("قال رئيس الوزراء القطري انه".split()), 5)
    b = shingle_set(h("انه القطري الوزراء رئيس قال".split()), 5)
    assert len(np.intersect1d(a, b)) == 0


# Letters, marks, digits, presentation forms, ligatures, compatibility and combining characters,
# bidi controls, separators, and characters outside the Basic Multilingual Plane.
_ALPHABET = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىةـ" "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670"
    "ﻻﺍﺎﻴﻲپچژکگی٠١٢٣٤٥٦٧٨٩۰۱۲" "abcXYZß0123ǰΐ\u0301ÉéİﬁⅫ½" "\u00a0\u200c\u200d\u200f\u202b\u2066\ufeff\u00ad"
    " \n\t.,،؛؟«»…″-_" "가\u1161\u11a8" "😀𝐀"
)


def _per_text_reference(texts: list[str]) -> list[np.ndarray]:
    hasher = TokenHasher()
    return [hasher(tokenize(t)) for t in texts]


def _split(flat: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    offsets = np.concatenate(([0], np.cumsum(counts)))
    return [flat[offsets[k] : offsets[k + 1]] for k in range(len(counts))]


def test_token_hasher_matches_the_reference_hash() -> None:
    tokens = tokenize(SEED_000.read_text(encoding="utf-8"))
    assert TokenHasher()(tokens).tolist() == [reference_token_hash(t) for t in tokens]


@pytest.mark.parametrize("compiled", [pytest.param(False, id="numpy"), pytest.param(True, id="compiled", marks=needs_numba)])
@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(alphabet=_ALPHABET, max_size=80), max_size=8))
def test_batch_token_hashes_equal_tokenize_then_hash(compiled: bool, texts: list[str]) -> None:
    flat, counts = text_token_hashes(texts, compiled=compiled)
    got = _split(flat, counts)
    for text, mine, ref in zip(texts, got, _per_text_reference(texts)):
        assert mine.tolist() == ref.tolist(), text


@pytest.mark.parametrize("compiled", [pytest.param(False, id="numpy"), pytest.param(True, id="compiled", marks=needs_numba)])
def test_batch_token_hashes_on_the_example_corpus(compiled: bool) -> None:
    from dedupe.documents import DEFAULT_FIELDS, iter_documents

    texts = [d.title + "\n" + d.text for d in iter_documents([EXAMPLE], fields=DEFAULT_FIELDS)]
    flat, counts = text_token_hashes(texts, compiled=compiled)
    assert [a.tolist() for a in _split(flat, counts)] == [b.tolist() for b in _per_text_reference(texts)]



@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=_ALPHABET + "الاحدالاثنينالثلاثاءالسبتوبل", max_size=120))
def test_numbers_from_hashes_equal_the_string_version(text: str) -> None:
    from dedupe.shingles import numeric_mask

    tokens = tokenize(text + " الاثنين والسبت بالجمعه 2015م")
    hashes, numbers = TokenHasher().with_numbers(tokens)
    assert numbers.tolist() == numeric_mask(tokens).tolist()


@needs_corpus(SNN)
@needs_numba
def test_both_paths_agree_on_2000_saudinewsnet_articles() -> None:
    texts = first_texts(SNN, 2000)
    a, ca = text_token_hashes(texts, compiled=True)
    b, cb = text_token_hashes(texts, compiled=False)
    assert np.array_equal(a, b) and np.array_equal(ca, cb)
