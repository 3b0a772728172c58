from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.normalize import tokenize
from dedupe.shingles import TokenHasher, shingle_sequence, shingle_set, shingle_size_for
from dedupe.signatures import EMPTY, permutations, signatures, to_minhash

from .conftest import SEED_000, SEED_003

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


def _datasketch_signature(values: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda x: x, scheme="affine32")
    for v in values.tolist():
        m.update(v)
    return m.hashvalues


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=200, unique=True), min_size=1, max_size=6),
    st.sampled_from([16, 64, 128]),
    st.integers(0, 2**31),
)
def test_batched_signatures_equal_datasketch_bit_for_bit(sets: list[list[int]], num_perm: int, seed: int) -> None:
    arrays = [np.array(sorted(s), dtype=np.uint32) for s in sets]
    batch = signatures(arrays, permutations(num_perm, seed))
    for values, sig in zip(arrays, batch):
        assert np.array_equal(sig, _datasketch_signature(values, num_perm, seed))


def test_seed_signatures_equal_datasketch_and_go_into_lsh() -> None:
    h = TokenHasher()
    sets = [shingle_set(h(tokenize(p.read_text(encoding="utf-8"))), 5, 2) for p in (SEED_000, SEED_003)]
    sigs = signatures(sets, permutations(128, 1))
    for values, sig in zip(sets, sigs):
        assert np.array_equal(sig, _datasketch_signature(values, 128, 1))
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    lsh.insert("000", to_minhash(sigs[0], 1))
    lsh.insert("003", to_minhash(sigs[1], 1))
    assert lsh.query(to_minhash(sigs[0], 1)) == ["000"]


def test_large_set_spanning_blocks_and_empty_set() -> None:
    rng = np.random.default_rng(3)
    big = np.unique(rng.integers(0, 2**32, size=150_000, dtype=np.uint64).astype(np.uint32))
    sigs = signatures([big, np.empty(0, dtype=np.uint32)], permutations(32, 9))
    assert np.array_equal(sigs[0], _datasketch_signature(big, 32, 9))
    assert (sigs[1] == EMPTY).all()


def test_signatures_are_pinned_across_runs_and_machines() -> None:
    """Pinned values: a change here means every stored index must be rebuilt (bump the fingerprint)."""
    tokens = tokenize(SEED_003.read_text(encoding="utf-8"))
    shingles = shingle_set(TokenHasher()(tokens), 5, 2)
    assert len(shingles) == 348
    assert shingles[:3].tolist() == [4092044, 8496660, 15227738]  # token hash version 2
    sig = signatures([shingles], permutations(128, 1))[0]
    assert sig[:4].tolist() == [10044984, 10529401, 2631329, 66927288]


def test_config_hash_version_follows_the_shingles_module() -> None:
    from dedupe import config, shingles

    assert config._HASH_VERSION == shingles.HASH_VERSION


# ------------------------------------------------ batch path: raw text → token hashes → signatures

from dedupe import _compiled  # noqa: E402
from dedupe.shingles import text_token_hashes  # noqa: E402
from dedupe.signatures import signatures_numpy, text_signatures  # noqa: E402

from .conftest import EXAMPLE, SNN, needs_corpus  # noqa: E402

needs_numba = pytest.mark.skipif(not _compiled.available(), reason="numba is not installed: the compiled kernels are not built")

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


@needs_corpus(SNN)
@needs_numba
def test_both_paths_agree_on_2000_saudinewsnet_articles() -> None:
    import gzip
    import json

    texts = []
    with gzip.open(SNN, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            texts.append((row.get("title") or "") + "\n" + (row.get("text") or ""))
            if len(texts) >= 2000:
                break
    a, ca = text_token_hashes(texts, compiled=True)
    b, cb = text_token_hashes(texts, compiled=False)
    assert np.array_equal(a, b) and np.array_equal(ca, cb)
    perms = permutations(128, 1)
    reference = signatures_numpy([shingle_set(h, 5, 2) for h in _per_text_reference(texts[:300])], perms)
    assert np.array_equal(text_signatures(texts[:300], perms), reference)


@needs_numba
@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=300), max_size=8),
    st.sampled_from([16, 128]),
    st.integers(0, 2**31),
)
def test_compiled_minhash_equals_numpy_bit_for_bit(sets: list[list[int]], num_perm: int, seed: int) -> None:
    perms = permutations(num_perm, seed)
    arrays = [np.array(s, dtype=np.uint32) for s in sets]
    starts = np.concatenate(([0], np.cumsum([len(a) for a in arrays]))).astype(np.int64)
    values = np.concatenate(arrays) if arrays and starts[-1] else np.empty(0, dtype=np.uint32)
    assert np.array_equal(_compiled.minhash(values, starts, perms.a, perms.b), signatures_numpy(arrays, perms))


def test_text_signatures_equal_shingling_each_text() -> None:
    texts = [SEED_000.read_text(encoding="utf-8"), SEED_003.read_text(encoding="utf-8"), "", "كلمة", "كلمتان اثنتان", "ثلاث كلمات هنا"]
    perms = permutations(128, 1)
    reference = signatures_numpy([shingle_set(h, 5, 2) for h in _per_text_reference(texts)], perms)
    assert np.array_equal(text_signatures(texts, perms), reference)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=_ALPHABET + "الاحدالاثنينالثلاثاءالسبتوبل", max_size=120))
def test_numbers_and_weekdays_from_hashes_equal_the_string_versions(text: str) -> None:
    from dedupe.shingles import numeric_mask
    from dedupe.verify import weekday_mask, weekday_mask_of_hashes

    tokens = tokenize(text + " الاثنين والسبت بالجمعه 2015م")
    hashes, numbers = TokenHasher().with_numbers(tokens)
    assert numbers.tolist() == numeric_mask(tokens).tolist()
    assert weekday_mask_of_hashes(hashes) == weekday_mask(tokens)


@pytest.mark.parametrize("num_perm, seed", [(128, 1), (16, 7), (256, 2**31 - 1)])
def test_permutations_are_datasketchs_own(num_perm: int, seed: int) -> None:
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    perms = permutations(num_perm, seed)
    assert np.array_equal(perms.a, a.astype(np.uint32)) and np.array_equal(perms.b, b.astype(np.uint32))
