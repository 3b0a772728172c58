"""MinHash signatures (dedupe.signatures): bit for bit datasketch's ``affine32`` MinHash, in
numpy and compiled, from shingle sets and straight from raw texts."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe._infra import jit
from dedupe.normalize import tokenize
from dedupe.shingles import TokenHasher, shingle_set
from dedupe.signatures import EMPTY, _minhash_compiled, permutations, signatures, signatures_numpy, text_signatures, to_minhash

from .conftest import SEED_000, SEED_003, SNN, first_texts, needs_corpus

needs_numba = pytest.mark.skipif(not jit.available(), reason="numba is not installed: the compiled kernels are not built")


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
    assert np.array_equal(_minhash_compiled(values, starts, perms.a, perms.b), signatures_numpy(arrays, perms))


def test_text_signatures_equal_shingling_each_text() -> None:
    texts = [SEED_000.read_text(encoding="utf-8"), SEED_003.read_text(encoding="utf-8"), "", "كلمة", "كلمتان اثنتان", "ثلاث كلمات هنا"]
    perms = permutations(128, 1)
    reference = signatures_numpy([shingle_set(h, 5, 2) for h in [TokenHasher()(tokenize(t)) for t in texts]], perms)
    assert np.array_equal(text_signatures(texts, perms), reference)


@pytest.mark.parametrize("num_perm, seed", [(128, 1), (16, 7), (256, 2**31 - 1)])
def test_permutations_are_datasketchs_own(num_perm: int, seed: int) -> None:
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    perms = permutations(num_perm, seed)
    assert np.array_equal(perms.a, a.astype(np.uint32)) and np.array_equal(perms.b, b.astype(np.uint32))


@needs_corpus(SNN)
def test_text_signatures_equal_shingling_each_of_300_saudinewsnet_articles() -> None:
    texts = first_texts(SNN, 300)
    perms = permutations(128, 1)
    reference = signatures_numpy([shingle_set(TokenHasher()(tokenize(t)), 5, 2) for t in texts], perms)
    assert np.array_equal(text_signatures(texts, perms), reference)
