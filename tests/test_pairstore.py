"""Pairs kept on disk by a scan (dedupe.pairstore), and the report written item by item."""

from __future__ import annotations

import io
import json
import pickle
from dataclasses import replace

import numpy as np

import pytest

from dedupe import Config, scan
from dedupe.pairstore import PairStore
from dedupe.report import to_dict, write_json

from .conftest import EXAMPLE, SEEDS


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return scan([EXAMPLE, SEEDS], Config(), jobs=1)


def test_a_scan_keeps_its_pairs_on_disk_in_report_order(report) -> None:  # type: ignore[no-untyped-def]
    pairs = list(report.pairs)
    assert isinstance(report.pairs, PairStore)
    assert len(pairs) >= 3  # the example corpus holds a reworded copy and a respelled copy of seed 000
    assert pairs == sorted(pairs, key=lambda p: (-p.jaccard, p.a, p.b))
    assert report.pairs[0] == pairs[0] and report.pairs[-1] == pairs[-1]
    assert report.pairs[1:3] == tuple(pairs[1:3])
    assert any(p.passages for p in pairs)  # passages come back from the file with their excerpts
    with pytest.raises(IndexError):
        report.pairs[len(pairs)]


def test_a_store_sorts_like_the_ids_and_keeps_ties_in_insertion_order(report) -> None:  # type: ignore[no-untyped-def]
    base = next(iter(report.pairs))
    made = [
        replace(base, a="b", b="c", jaccard=0.5), replace(base, a="a", b="z", jaccard=0.5),
        replace(base, a="a", b="c", jaccard=0.9), replace(base, a="a", b="z", jaccard=0.5, shared_shingles=1),
    ]
    ranks = {"a": 0, "b": 1, "c": 2, "z": 3}
    store = PairStore()
    for p in made:
        store.add(p, ranks[p.a], ranks[p.b])
    expected = sorted(made, key=lambda p: (-p.jaccard, p.a, p.b))  # stable: the two equal keys keep their order
    assert list(store) == expected
    with pytest.raises(RuntimeError):
        store.add(base, 0, 0)
    assert pickle.loads(pickle.dumps(store)) == tuple(expected)


def test_the_report_written_item_by_item_is_the_whole_dict(report) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    write_json(report, out)
    assert out.getvalue().endswith("}\n")
    assert out.getvalue() == json.dumps(to_dict(report), ensure_ascii=False, separators=(",", ":")) + "\n"


def test_the_store_counts_relations_as_its_pairs_say(report) -> None:  # type: ignore[no-untyped-def]
    from collections import Counter

    assert report.pairs.relation_counts() == Counter(p.relation for p in report.pairs)


def test_ragged_arrays_read_back_as_appended_and_filter_in_place() -> None:
    import numpy as np

    from dedupe.ragged import Ragged

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
    from dedupe import ragged
    from dedupe.ragged import Ragged

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


def test_counted_is_np_unique_with_counts() -> None:
    from dedupe.candidates import counted_in_place as _counted

    values = np.random.default_rng(2).integers(0, 500, size=20_000).astype(np.uint32)
    expected = np.unique(values, return_counts=True)
    got = _counted(values.copy())
    assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
    assert [len(x) for x in _counted(np.empty(0, dtype=np.uint32))] == [0, 0]
