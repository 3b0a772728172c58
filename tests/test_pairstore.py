"""Pairs kept on disk by a scan (dedupe._infra.pairstore), read back in report order."""

from __future__ import annotations

import pickle
from dataclasses import replace


import pytest

from dedupe import Config, scan
from dedupe._infra.pairstore import PairStore

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


def test_passages_given_pickled_come_back_as_the_pair_had_them(report) -> None:  # type: ignore[no-untyped-def]
    with_passages = next(p for p in report.pairs if p.passages)
    store = PairStore()
    store.add(replace(with_passages, passages=()), 0, 1, passages=pickle.dumps(with_passages.passages))
    store.add(with_passages, 0, 2)  # a pair added whole keeps its own
    assert list(store) == [with_passages, with_passages]
