"""Copy links (dedupe.links): direction, siblings and credit, on the shipped example, on small
hand-made cases and on random graphs against the pair-by-pair reference (tests/reference.py)."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import numpy as np
import pytest

from dedupe import Document, scan
from dedupe._infra import jit
from dedupe.links import copy_links, link_table
from dedupe.models import Pair, Report
from dedupe._infra.dates import date_keys
from dedupe.origin import OriginKeys, directions
from dedupe.provenance import ArticleInfo, article_info
from dedupe.registry import default_registry
from dedupe.pairs import ColumnPairs, PairColumns, id_ranks, pair_of, report_order, Scores

from . import reference
from .conftest import EXAMPLE

COMPILED = [False, pytest.param(True, marks=pytest.mark.skipif(not jit.available(), reason="numba is not installed"))]


@pytest.fixture(scope="module")
def example_report() -> Report:
    return scan([EXAMPLE])


def test_newspaper_copies_of_spa_items_link_to_the_spa_item(example_report: Report) -> None:
    docs = {d.id: d for d in example_report.documents}
    spa_links = [(d, link) for d in example_report.documents for link in d.copied_from if docs[link.origin].outlet == "was"]
    assert len(spa_links) >= 8
    for doc, link in spa_links:
        assert doc.outlet != "was"
        assert link.basis == "agency"
        cites_spa = "spa" in {c.source for c in doc.provenance.citations} if doc.provenance else False
        assert link.credited == cites_spa, (doc.id, link)
        assert (link.origin in doc.uncredited) == (not cites_spa)
    # The corpus shows both kinds: copies crediting SPA (in the byline) and copies that do not.
    assert {link.credited for _, link in spa_links} == {True, False}


def test_spa_item_is_never_derived_from_a_newspaper(example_report: Report) -> None:
    docs = {d.id: d for d in example_report.documents}
    for d in example_report.documents:
        if d.outlet == "was":
            assert all(docs[link.origin].outlet == "was" for link in d.copied_from)


def test_scan_links_equal_the_reference(example_report: Report) -> None:
    registry = default_registry()
    infos = {d.id: article_info(d.provenance, d.outlet, d.date, registry) for d in example_report.documents if d.provenance}
    expected = reference.copy_links(example_report.pairs, infos, registry.is_agency)
    assert sum(len(v) for v in expected.values()) >= 5
    assert {d.id: list(d.copied_from) for d in example_report.documents if d.copied_from} == expected


# ---------------------------------------------------------------------------------- hand-made cases


def _info(outlet_source: str | None, kind: str | None, day: int, cited: set[str]) -> ArticleInfo:
    return ArticleInfo(outlet_source, kind, datetime(2015, 8, day), frozenset(cited), {s: ("byline",) for s in cited})


def _pair(a: str, b: str, relation: str, shared: int, size_a: int, size_b: int) -> Pair:
    return pair_of(a, b, relation, Scores(shared, size_a, size_b))  # type: ignore[arg-type]


def _links(pairs: list[Pair], info: dict[str, ArticleInfo], agency_source=lambda s: False):  # type: ignore[no-untyped-def]
    docs = [Document(i, "", date=x.date) for i, x in info.items()]
    return copy_links(pairs, docs, list(info.values()), agency_source)


def test_stitched_article_links_to_each_wire_item_and_siblings_do_not_link() -> None:
    info = {
        "spa1": _info("spa", "agency", 10, set()),
        "spa2": _info("spa", "agency", 10, set()),
        "paper": _info("okaz", "newspaper", 11, set()),
        "other": _info("alyaum", "newspaper", 11, {"spa"}),
    }
    pairs = [
        _pair("spa1", "paper", "partial", 27, 30, 90),
        _pair("spa2", "paper", "partial", 24, 30, 90),
        _pair("spa1", "other", "near_duplicate", 21, 30, 30),
        _pair("paper", "other", "partial", 12, 30, 30),  # both copy spa1
    ]
    links = _links(pairs, info)
    assert sorted(link.origin for link in links["paper"]) == ["spa1", "spa2"]
    assert all(not link.credited for link in links["paper"])
    assert [(link.origin, link.credited, link.credit) for link in links["other"]] == [("spa1", True, ("byline",))]
    assert "spa1" not in links and "spa2" not in links


def test_credit_to_the_source_the_origin_cites_counts() -> None:
    info = {"orig": _info("alriyadh", "newspaper", 10, {"reuters"}), "copy": _info("okaz", "newspaper", 11, {"reuters"})}
    (link,) = _links([_pair("orig", "copy", "near_duplicate", 80, 100, 100)], info)["copy"]
    assert link.credited and "reuters" in link.origin_sources and link.basis == "date"


def test_wire_credit_counts_when_the_matched_origin_is_another_newspaper() -> None:
    info = {
        "aleqt": _info("aleqtisadiya", "newspaper", 10, set()),  # dropped the SPA dateline
        "riyadh": _info("alriyadh", "newspaper", 11, {"spa"}),  # «جدة - واس» in its byline
        "okaz": _info("okaz", "newspaper", 11, set()),
    }
    pairs = [_pair("aleqt", "riyadh", "near_duplicate", 80, 100, 100), _pair("aleqt", "okaz", "near_duplicate", 80, 100, 100)]
    links = _links(pairs, info, {"spa"}.__contains__)
    assert [(link.credited, link.credit) for link in links["riyadh"]] == [(True, ("common_source",))]
    assert [link.credited for link in links["okaz"]] == [False]


def test_an_outlet_reposting_its_own_article_is_not_uncredited() -> None:
    info = {"first": _info("almadina", "newspaper", 10, set()), "again": _info("almadina", "newspaper", 11, set())}
    (link,) = _links([_pair("first", "again", "duplicate", 100, 100, 100)], info)["again"]
    assert link.credited and link.credit == ("same_outlet",)


def test_an_agency_item_is_the_origin_even_when_published_later() -> None:
    """A paper's copy is often dated before the SPA item (the corpus dates are crawl times): the agency still comes first."""
    info = {"paper": _info("okaz", "newspaper", 10, set()), "wire": _info("spa", "agency", 11, set())}
    (link,) = _links([_pair("paper", "wire", "near_duplicate", 80, 100, 100)], info)["paper"]
    assert link.origin == "wire" and link.basis == "agency"


def test_without_dates_the_more_contained_text_is_the_origin() -> None:
    info = {
        "story": ArticleInfo("okaz", "newspaper", None, frozenset()),
        "item": ArticleInfo("alyaum", "newspaper", None, frozenset()),
    }
    (link,) = _links([_pair("story", "item", "partial", 40, 200, 50)], info)["story"]
    assert link.origin == "item" and link.basis == "containment" and link.containment == 0.8


# ---------------------------------------------------------------------------------- random graphs


def random_graph(seed: int) -> tuple[list[Document], PairColumns, list[ArticleInfo]]:
    """Documents with few dates (many ties), random outlets and citations, and pairs of few
    sizes (many tied Jaccards and containments); ids do not sort as positions do."""
    rng = random.Random(seed)
    n = rng.randint(5, 60)
    ids = [f"d{k:03d}" for k in rng.sample(range(1000), n)]
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
        size_a, size_b = rng.choice([4, 8, 10]), rng.choice([4, 8, 10])
        rows.append((a, b, rng.randint(1, min(size_a, size_b)), size_a, size_b, rng.choice([0, 1, 1, 2, 3])))
    a, b, shared, size_a, size_b, code = (np.array(c, dtype=np.int32) for c in zip(*rows)) if rows else [np.empty(0, np.int32)] * 6
    return docs, PairColumns(a, b, shared, size_a, size_b, code.astype(np.int8)), infos


def keys_of(docs: list[Document], infos: list[ArticleInfo]) -> OriginKeys:
    not_agency = np.array([0 if i.outlet_type == "agency" else 1 for i in infos], dtype=np.int8)
    return OriginKeys(not_agency, date_keys([d.date for d in docs]), id_ranks(docs))


@pytest.mark.parametrize("compiled", COMPILED)
@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_match_the_reference(seed: int, compiled: bool) -> None:
    docs, columns, infos = random_graph(seed)
    keys = keys_of(docs, infos)
    pairs = list(ColumnPairs(columns, docs, report_order(columns, keys.rank)))
    agency = lambda s: s == "spa"  # noqa: E731
    links = link_table(columns, docs, keys, directions(columns, keys), infos.__getitem__, agency, compiled=compiled)
    expected = reference.copy_links(pairs, {d.id: i for d, i in zip(docs, infos)}, agency)
    assert {d.id: list(links.of(k)) for k, d in enumerate(docs) if links.count(k)} == expected


def test_random_graphs_drop_sibling_links() -> None:
    """The random graphs are not trivial: some links are dropped as siblings."""
    siblings = 0
    for seed in range(40):
        docs, columns, infos = random_graph(seed)
        keys = keys_of(docs, infos)
        links = link_table(columns, docs, keys, directions(columns, keys), infos.__getitem__)
        chosen = int(np.isin(columns.code, [0, 1, 2]).sum())
        siblings += chosen - sum(links.count(k) for k in range(len(docs)))
    assert siblings > 0
