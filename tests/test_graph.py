"""Clusters and copy links over columns (dedupe.graph) against the object paths they replace in
a scan (build_clusters, copy_links): on the example corpus and on random graphs with ties."""

from __future__ import annotations

import pickle
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from dedupe import Config, Document, scan, scan_documents
from dedupe import _compiled
from dedupe.cluster import build_clusters
from dedupe.graph import ColumnPairs, PairColumns, cluster_table, date_keys, link_table, report_order
from dedupe.models import Report
from dedupe.provenance import ArticleInfo, copy_links

from .conftest import EXAMPLE

@pytest.fixture(scope="module")
def example_report() -> Report:
    return scan([EXAMPLE])


COMPILED = [False, pytest.param(True, marks=pytest.mark.skipif(not _compiled.available(), reason="numba is not installed"))]


def test_scan_clusters_equal_build_clusters(example_report: Report) -> None:
    meta = {d.id: (d.outlet, d.date) for d in example_report.documents}
    expected = build_clusters(example_report.pairs, meta.__getitem__)
    assert len(expected) >= 3  # the example has clusters to compare
    assert list(example_report.clusters) == expected
    assert example_report.clusters.member_count() == sum(len(c.members) for c in expected)  # type: ignore[attr-defined]


def test_scan_links_equal_copy_links(example_report: Report) -> None:
    from dedupe.provenance import article_info
    from dedupe.registry import default_registry

    registry = default_registry()
    docs = {d.id: d for d in example_report.documents}
    infos = {i: article_info(d.provenance, d.outlet, d.date, registry) for i, d in docs.items() if d.provenance}
    agency = lambda s: s in registry.sources and registry.sources[s].type == "agency"  # noqa: E731
    expected = copy_links(example_report.pairs, infos.__getitem__, agency)
    assert sum(len(v) for v in expected.values()) >= 5
    assert {d.id: list(d.copied_from) for d in example_report.documents if d.copied_from} == expected


def test_scan_without_passages_reads_pairs_from_columns(example_report: Report) -> None:
    bare = scan([EXAMPLE], config=Config(max_passages=0))
    assert isinstance(bare.pairs, ColumnPairs)
    assert list(bare.pairs) == [replace(p, passages=()) for p in example_report.pairs]
    assert bare.pairs.relation_counts() == example_report.pairs.relation_counts()  # type: ignore[attr-defined]
    assert list(bare.clusters) == list(example_report.clusters)
    assert list(bare.documents) == list(example_report.documents)


def test_tables_pickle_as_tuples(example_report: Report) -> None:
    for table in (example_report.clusters, example_report.documents):
        again = pickle.loads(pickle.dumps(table))
        assert isinstance(again, tuple) and again == tuple(table) and len(again) > 0
    assert example_report.clusters[-1] == list(example_report.clusters)[-1]
    assert example_report.clusters[1:3] == tuple(list(example_report.clusters)[1:3])
    with pytest.raises(IndexError):
        example_report.clusters[len(example_report.clusters)]
    assert example_report.documents.scanned_count() == len(example_report.documents)  # type: ignore[attr-defined]
    with_skipped = scan_documents([Document("empty", ""), Document("short", "خبر")])
    assert with_skipped.documents.scanned_count() == 0 and [d.skipped for d in with_skipped.documents] == ["empty", "too_short"]  # type: ignore[attr-defined]


def test_date_keys_order_as_datetimes() -> None:
    utc = timezone.utc
    dates = [
        datetime(2015, 3, 1, 12, tzinfo=utc), datetime(2015, 3, 1, 12), datetime(2015, 3, 1, 14, tzinfo=timezone(timedelta(hours=3))),
        None, datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=utc), datetime(2015, 3, 1, 12, 0, 0, 1, tzinfo=utc),
    ]
    keys = date_keys(dates).tolist()
    far = datetime.max.replace(tzinfo=utc)
    as_utc = [far if d is None else d if d.tzinfo else d.replace(tzinfo=utc) for d in dates]
    for x in range(len(dates)):
        for y in range(len(dates)):
            assert (keys[x] < keys[y]) == (as_utc[x] < as_utc[y]) and (keys[x] == keys[y]) == (as_utc[x] == as_utc[y])


def _random_graph(seed: int) -> tuple[list[Document], PairColumns, list[ArticleInfo]]:
    rng = random.Random(seed)
    n = rng.randint(5, 60)
    ids = [f"d{k:03d}" for k in rng.sample(range(1000), n)]  # positions and id order differ
    days = [None, *(datetime(2020, 1, d, tzinfo=timezone.utc) for d in range(1, 4))]
    docs = [Document(i, "", date=rng.choice(days), outlet=rng.choice(["was", "okaz", "riyadh", ""])) for i in ids]
    sources = ["spa", "reuters", "okaz", "riyadh"]
    infos = [
        ArticleInfo(
            rng.choice([None, "spa", "okaz", "riyadh"]), rng.choice([None, "agency", "newspaper"]), d.date,
            frozenset(rng.sample(sources, rng.randint(0, 2))), {s: ("byline",) for s in sources},
        )
        for d in docs
    ]
    edges = {(min(x, y), max(x, y)) for x, y in ((rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 4 * n))) if x != y}
    rows = []
    for x, y in sorted(edges):
        a, b = (x, y) if rng.random() < 0.5 else (y, x)
        size_a, size_b = rng.choice([4, 8, 10]), rng.choice([4, 8, 10])  # few sizes: many tied Jaccards and containments
        rows.append((a, b, rng.randint(1, min(size_a, size_b)), size_a, size_b, rng.choice([0, 1, 1, 2, 3])))
    a, b, shared, size_a, size_b, code = (np.array(c, dtype=np.int32) for c in zip(*rows)) if rows else [np.empty(0, np.int32)] * 6
    return docs, PairColumns(a, b, shared, size_a, size_b, code.astype(np.int8)), infos


@pytest.mark.parametrize("compiled", COMPILED)
@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_match_the_object_paths(seed: int, compiled: bool) -> None:
    docs, columns, infos = _random_graph(seed)
    rank = np.argsort(np.argsort([d.id for d in docs], kind="stable")).astype(np.int64)
    order = report_order(columns, rank)
    pairs = list(ColumnPairs(columns, docs, order))
    assert [p.jaccard for p in pairs] == sorted((p.jaccard for p in pairs), reverse=True)
    position = {d.id: k for k, d in enumerate(docs)}

    linkage = [0.5, 0.3, 1.0][seed % 3]
    expected = build_clusters(pairs, lambda i: (docs[position[i]].outlet, docs[position[i]].date), linkage)
    assert list(cluster_table(columns, order, docs, linkage, compiled=compiled)) == expected

    agency = lambda s: s == "spa"  # noqa: E731
    links = link_table(columns, docs, rank, infos.__getitem__, agency, compiled=compiled)
    expected_links = copy_links(pairs, lambda i: infos[position[i]], agency)
    assert {d.id: list(links.of(k)) for k, d in enumerate(docs) if links.count(k)} == expected_links


def test_random_graphs_exercise_merging_refusals_and_siblings() -> None:
    """The random graphs above are not trivial: some merges are refused and some links dropped as siblings."""
    refused = siblings = 0
    for seed in range(40):
        docs, columns, infos = _random_graph(seed)
        rank = np.argsort(np.argsort([d.id for d in docs], kind="stable")).astype(np.int64)
        clusters = list(cluster_table(columns, report_order(columns, rank), docs, 0.5))
        refused += sum(len(c.linked) for c in clusters)
        links = link_table(columns, docs, rank, infos.__getitem__)
        chosen = int(np.isin(columns.code, [0, 1, 2]).sum())
        siblings += chosen - sum(links.count(k) for k in range(len(docs)))
    assert refused > 0 and siblings > 0


def test_small_verification_and_template_slices_change_nothing(example_report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification runs in slices of candidates, the template test in slices of pairs, and
    candidate codes spill to files past a limit: slicing finely gives the same report."""
    from dedupe import candidates, pipeline
    from dedupe.report import to_dict

    monkeypatch.setattr(pipeline, "_VERIFY_CHUNK", 7)
    monkeypatch.setattr(pipeline, "_TEMPLATE_CHUNK", 3)
    monkeypatch.setattr(candidates._Tally.__init__, "__defaults__", (5, 3))
    sliced = scan([EXAMPLE], config=Config(template_min_corpus=2))
    monkeypatch.undo()
    whole = scan([EXAMPLE], config=Config(template_min_corpus=2))
    first, second = to_dict(whole), to_dict(sliced)
    first.pop("timings"), second.pop("timings")
    assert first == second
    assert first["summary"]["pairs"]["template"] > 0 and first["summary"]["pairs"]["partial"] > 0
