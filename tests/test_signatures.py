from __future__ import annotations

import numpy as np
import pytest
import xxhash
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.normalize import tokenize
from dedupe.shingles import TokenHasher, shingle_sequence, shingle_set, shingle_size_for
from dedupe.signatures import EMPTY, permutations, signatures, to_minhash

from .conftest import SEED_000, SEED_003

MASK64 = (1 << 64) - 1


def reference_shingle_hashes(tokens: list[str], size: int, min_size: int) -> list[int]:
    """Slow, obviously correct n-gram hashing: Python integers, one shingle at a time."""
    from dedupe.shingles import _MULTIPLIERS

    n = shingle_size_for(len(tokens), size, min_size)
    if n == 0:
        return []
    token_hashes = [xxhash.xxh3_64_intdigest(t.encode("utf-8")) for t in tokens]
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
    assert shingles[:3].tolist() == [2088765, 3915791, 15284335]
    sig = signatures([shingles], permutations(128, 1))[0]
    assert sig[:4].tolist() == [18534578, 9928628, 7749309, 12909031]
