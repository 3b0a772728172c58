"""Many small arrays in one (dedupe._infra.ragged): read back as appended, filtered in place."""

from __future__ import annotations

import numpy as np

from dedupe._infra import ragged
from dedupe._infra.ragged import Ragged


def test_ragged_arrays_read_back_as_appended_and_filter_in_place() -> None:
    rng = np.random.default_rng(5)
    arrays = [rng.integers(0, 50, size=int(n)).astype(np.uint32) for n in rng.integers(0, 9, size=10_000)]
    r = Ragged(np.uint32)
    for a in arrays[:5000]:
        r.append(a)
    assert all(np.array_equal(r[k], arrays[k % 5000]) for k in (0, 4999, -1))  # read, then append more
    for a in arrays[5000:]:
        r.append(a)
    assert len(r) == len(arrays) and all(np.array_equal(x, y) for x, y in zip(r, arrays))
    r.keep(r.values % 3 != 0)
    assert all(np.array_equal(x, y[y % 3 != 0]) for x, y in zip(r, arrays))
    assert r.lengths().tolist() == [int((a % 3 != 0).sum()) for a in arrays]


def test_ragged_keep_compacts_across_blocks() -> None:
    rng = np.random.default_rng(5)
    arrays = [rng.integers(0, 2**32, size=int(k), dtype=np.uint32) for k in rng.integers(0, 3_000, size=4_000)]
    r = Ragged.of(arrays, np.uint32)
    assert len(r.values) > ragged._KEEP_BLOCK  # more than one block is compacted
    mask = rng.random(len(r.values)) < 0.7
    starts = np.concatenate(([0], np.cumsum([len(a) for a in arrays])))
    expected = [a[mask[starts[k] : starts[k + 1]]] for k, a in enumerate(arrays)]
    r.keep(mask)
    assert len(r) == len(arrays) and all(np.array_equal(r[k], e) for k, e in enumerate(expected))
    r.append(np.array([7, 8], dtype=np.uint32))  # appending after a filter still works
    assert r[len(arrays)].tolist() == [7, 8] and np.array_equal(r[0], expected[0])
