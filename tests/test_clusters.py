"""Clusters (dedupe.clusters): the chaining guard, partial links, the original first; on small
hand-made graphs, the shipped example, and random graphs against the pair-by-pair reference."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from dedupe import Document, scan
from dedupe._infra import jit
from dedupe.clusters import build_clusters, cluster_table
from dedupe.models import Pair, Provenance, Report
from dedupe.origin import OriginKeys, directions, not_agency_flags
from dedupe.registry import default_registry
from dedupe.pairs import ColumnPairs, Scores, pair_of, report_order

from . import reference
from .conftest import EXAMPLE
from .test_links import keys_of, random_graph

COMPILED = [False, pytest.param(True, marks=pytest.mark.skipif(not jit.available(), reason="numba is not installed"))]
DATES = {"spa": datetime(2015, 8, 10, 9), "a": datetime(2015, 8, 10, 12), "b": datetime(2015, 8, 11, 1), "c": datetime(2015, 8, 11, 2), "d": datetime(2015, 8, 11, 3)}
DOCS = [Document(i, "", date=d, outlet="was" if i == "spa" else "paper") for i, d in DATES.items()]


def pair(a: str, b: str, jaccard: float, relation: str = "near_duplicate") -> Pair:
    shared = round(100 * jaccard)  # two sets of 100 sharing `shared`: jaccard shared / (200 - shared)
    return pair_of(a, b, relation, Scores(shared, 100, 100))  # type: ignore[arg-type]


def clusters_of(pairs: list[Pair], min_linkage: float = 0.5):  # type: ignore[no-untyped-def]
    flags = not_agency_flags(DOCS, [Provenance()] * len(DOCS), default_registry())
    return build_clusters(pairs, DOCS, flags, min_linkage)


def test_clique_of_copies_is_one_cluster_with_the_wire_item_as_original() -> None:
    pairs = [pair(x, y, 0.8) for x, y in [("spa", "a"), ("spa", "b"), ("a", "b")]]
    (cluster,) = clusters_of(pairs)
    assert cluster.original == "spa"
    assert [m.id for m in cluster.members] == ["spa", "a", "b"]
    assert cluster.density == 1.0
    assert all(len(m.edges) == 2 for m in cluster.members)


def test_the_wire_item_is_the_original_even_when_a_copy_is_dated_earlier() -> None:
    early = [Document("paper", "", date=datetime(2015, 8, 10, 8), outlet="okaz"), *DOCS]
    flags = not_agency_flags(early, [Provenance()] * len(early), default_registry())
    (cluster,) = build_clusters([pair("paper", "spa", 0.8), pair("paper", "a", 0.8), pair("spa", "a", 0.8)], early, flags)
    assert cluster.original == "spa"
    assert [m.id for m in cluster.members] == ["spa", "paper", "a"]


def test_a_chain_stops_growing_where_links_get_thin() -> None:
    # spa~a~b~c~d: each text is a rewrite of the previous one only.
    pairs = [pair("spa", "a", 0.9), pair("a", "b", 0.8), pair("b", "c", 0.7), pair("c", "d", 0.6)]
    clusters = clusters_of(pairs)
    grouped = [sorted(m.id for m in c.members) for c in clusters]
    assert grouped == [["a", "b", "spa"], ["c", "d"]]
    assert clusters[0].linked == ("c",)
    assert clusters[1].linked == ("b",)
    for c in clusters:
        for m in c.members:
            assert {e.other for e in m.edges} <= {x.id for x in c.members}


def test_two_stories_bridged_by_one_pair_stay_apart() -> None:
    pairs = [pair("spa", "a", 0.9), pair("b", "c", 0.9), pair("a", "b", 0.3)]
    clusters = clusters_of(pairs)
    assert sorted(sorted(m.id for m in c.members) for c in clusters) == [["a", "spa"], ["b", "c"]]


def test_partial_pairs_never_merge_and_are_listed() -> None:
    pairs = [pair("spa", "a", 0.9), pair("a", "d", 0.2, "partial")]
    (cluster,) = clusters_of(pairs)
    assert {m.id for m in cluster.members} == {"spa", "a"}
    assert cluster.partial_links == ("d",)


def test_minimum_linkage_one_allows_only_cliques() -> None:
    pairs = [pair("spa", "a", 0.9), pair("a", "b", 0.8)]
    clusters = clusters_of(pairs, min_linkage=1.0)
    assert [sorted(m.id for m in c.members) for c in clusters] == [["a", "spa"]]


def test_scan_clusters_equal_the_reference() -> None:
    report: Report = scan([EXAMPLE])
    registry = default_registry()
    docs = list(report.documents)
    flags = not_agency_flags([Document(d.id, "", outlet=d.outlet) for d in docs], [d.provenance or Provenance() for d in docs], registry)
    agency = {d.id: not flag for d, flag in zip(docs, flags.tolist())}
    expected = reference.clusters(report.pairs, {d.id: d.outlet for d in docs}, {d.id: d.date for d in docs}, agency, 0.5)
    assert len(expected) >= 3
    assert list(report.clusters) == expected
    assert report.counts is not None and report.counts.clustered_documents == sum(len(c.members) for c in expected)


@pytest.mark.parametrize("compiled", COMPILED)
@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_match_the_reference(seed: int, compiled: bool) -> None:
    docs, columns, infos = random_graph(seed)
    keys = keys_of(docs, infos)
    order = report_order(columns, keys.rank)
    pairs = list(ColumnPairs(columns, docs, order))
    assert [p.jaccard for p in pairs] == sorted((p.jaccard for p in pairs), reverse=True)
    linkage = [0.5, 0.3, 1.0][seed % 3]
    agency = {d.id: i.outlet_type == "agency" for d, i in zip(docs, infos)}
    expected = reference.clusters(pairs, {d.id: d.outlet for d in docs}, {d.id: d.date for d in docs}, agency, linkage)
    assert list(cluster_table(columns, order, docs, keys, directions(columns, keys), linkage, compiled=compiled)) == expected


def test_random_graphs_exercise_refused_merges_and_tied_originals() -> None:
    """The random graphs are not trivial: some merges are refused, and some clusters have
    several members first by agency and date, where the origin rule's containment decides."""
    refused = tied = 0
    for seed in range(40):
        docs, columns, infos = random_graph(seed)
        keys: OriginKeys = keys_of(docs, infos)
        clusters = list(cluster_table(columns, report_order(columns, keys.rank), docs, keys, directions(columns, keys), 0.5))
        refused += sum(len(c.linked) for c in clusters)
        position = {d.id: k for k, d in enumerate(docs)}
        for c in clusters:
            firsts = [keys.first_key(position[m.id]) for m in c.members]
            tied += firsts.count(min(firsts)) > 1
    assert refused > 0 and tied > 0


def test_members_are_listed_original_first_then_by_agency_date_and_id() -> None:
    report = scan([EXAMPLE])
    dates = {d.id: d.date for d in report.documents}
    for c in report.clusters:
        assert c.members[0].id == c.original
        rest = [m.id for m in c.members[1:]]
        outlets = {m.id: m.outlet for m in c.members}
        key = [(outlets[m] != "was", dates[m] or datetime.max, m) for m in rest]
        assert key == sorted(key)
    assert np.all(np.diff([len(c.members) for c in report.clusters]) <= 0)
