"""Candidates (dedupe.candidates): vectorised LSH banding gives exactly datasketch MinHashLSH's
candidate pairs; anchors and the spilled tally give what brute force gives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import Config
from dedupe.candidates import lsh_candidates, lsh_candidates_datasketch
from dedupe.documents import DEFAULT_FIELDS, iter_documents
from dedupe.prepare import prepare
from dedupe.signatures import permutations, signatures

from .conftest import EXAMPLE, SNN, needs_corpus


def _sigs(texts_config: Config, limit: int | None = None, source: str = str(EXAMPLE)) -> np.ndarray:
    sets = []
    for n, d in enumerate(iter_documents([source], fields=DEFAULT_FIELDS)):
        if limit is not None and n >= limit:
            break
        if d.text.strip():
            try:
                sets.append(prepare(d, texts_config).shingles)
            except Exception:  # too short: not in a scan either
                continue
    return signatures(sets, permutations(texts_config.num_perm, texts_config.seed))


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_same_pairs_as_datasketch_on_the_example_corpus(threshold: float) -> None:
    config = Config(lsh_threshold=threshold)
    sigs = _sigs(config)
    ours, reference = lsh_candidates(sigs, config), lsh_candidates_datasketch(sigs, config)
    assert len(reference) > 0
    assert np.array_equal(ours, reference)


@needs_corpus(SNN)
def test_same_pairs_as_datasketch_on_3000_saudinewsnet_articles() -> None:
    config = Config()
    sigs = _sigs(config, 3000, str(SNN))
    assert np.array_equal(lsh_candidates(sigs, config), lsh_candidates_datasketch(sigs, config))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 40),
    st.integers(0, 2**32 - 1),
    st.floats(0.2, 0.9),
)
def test_same_pairs_as_datasketch_on_random_signatures_with_planted_collisions(n: int, seed: int, threshold: float) -> None:
    config = Config(num_perm=32, lsh_threshold=threshold)
    rng = np.random.default_rng(seed)
    # Few distinct values per column, so bands collide often and groups of all sizes occur.
    sigs = rng.integers(0, 3, size=(n, config.num_perm), dtype=np.uint32)
    assert np.array_equal(lsh_candidates(sigs, config), lsh_candidates_datasketch(sigs, config))


@pytest.mark.parametrize("min_count", [1, 3])
def test_tally_spilled_to_disk_counts_as_in_memory(min_count: int) -> None:
    from dedupe.candidates import _Tally

    rng = np.random.default_rng(min_count)
    blocks = [rng.integers(0, 5_000, size=rng.integers(0, 900)).astype(np.int64) for _ in range(40)]
    values, counts = np.unique(np.concatenate(blocks), return_counts=True)
    expected = values[counts >= min_count]
    assert 0 < len(expected) < len(values) or min_count == 1
    for limit, parts in ((10**9, 16), (1_000, 3), (1, 7)):  # never spilled; spilled now and then; every block
        tally = _Tally(limit=limit, parts=parts)
        for block in blocks:
            tally.add(block)
        assert np.array_equal(tally.result(min_count), expected)


def test_anchors_from_flat_sets_equal_anchors_from_arrays() -> None:
    from dedupe.candidates import anchor_codes, anchor_codes_of_sets
    from dedupe._infra.ragged import Ragged

    rng = np.random.default_rng(11)
    pool = rng.integers(0, 2**32, size=3_000, dtype=np.uint32)  # shared shingles make anchor groups
    sets = [np.unique(rng.choice(pool, size=int(k))) for k in rng.integers(0, 120, size=400)]
    sets[3] = np.empty(0, dtype=np.uint32)  # empty documents keep their positions
    config = Config(anchor_modulus=4, anchor_min_shared=2)
    expected = anchor_codes([s[s % 4 == 0] for s in sets], config)
    flat = Ragged.of(sets, np.uint32)
    assert len(expected) > 100
    assert np.array_equal(anchor_codes_of_sets(flat.values, flat.starts, config), expected)


def test_anchor_codes_equal_brute_force() -> None:
    from collections import Counter

    from dedupe.candidates import anchor_codes

    rng = np.random.default_rng(12)
    pool = rng.integers(0, 2**32, size=300, dtype=np.uint32)
    sets = [np.unique(rng.choice(pool, size=int(k))) for k in rng.integers(0, 30, size=120)]
    config = Config(anchor_modulus=1, anchor_min_shared=3, anchor_max_docs=6)
    holders: dict[int, list[int]] = {}
    for d, s in enumerate(sets):
        for v in s.tolist():
            holders.setdefault(v, []).append(d)
    shared: Counter[tuple[int, int]] = Counter()
    for docs in holders.values():
        if 2 <= len(docs) <= config.anchor_max_docs:
            shared.update((a, b) for x, a in enumerate(docs) for b in docs[x + 1 :])
    expected = sorted(a * len(sets) + b for (a, b), k in shared.items() if k >= config.anchor_min_shared)
    assert len(expected) > 20
    assert anchor_codes(sets, config).tolist() == expected


def test_counted_is_np_unique_with_counts() -> None:
    from dedupe._infra.counting import counted_in_place as _counted

    values = np.random.default_rng(2).integers(0, 500, size=20_000).astype(np.uint32)
    expected = np.unique(values, return_counts=True)
    got = _counted(values.copy())
    assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
    assert [len(x) for x in _counted(np.empty(0, dtype=np.uint32))] == [0, 0]
