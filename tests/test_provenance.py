"""Corpus links: which article each copy links to as its origin, and whether the copy credits it."""

from __future__ import annotations

from datetime import datetime

import pytest

from dedupe import scan
from dedupe.models import Pair, Report
from dedupe.provenance import ArticleInfo, copy_links

from .conftest import EXAMPLE


@pytest.fixture(scope="module")
def example_report() -> Report:
    return scan([EXAMPLE])


def test_newspaper_copies_of_spa_items_link_to_the_spa_item(example_report: Report) -> None:
    docs = {d.id: d for d in example_report.documents}
    spa_links = [(d, link) for d in example_report.documents for link in d.copied_from if docs[link.origin].outlet == "was"]
    assert len(spa_links) >= 8
    for doc, link in spa_links:
        assert doc.outlet != "was"
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


def _info(outlet_source: str | None, kind: str | None, day: int, cited: set[str]) -> ArticleInfo:
    return ArticleInfo(outlet_source, kind, datetime(2015, 8, day), frozenset(cited), {s: ("byline",) for s in cited})


def _pair(a: str, b: str, relation: str, c_ab: float, c_ba: float) -> Pair:
    return Pair(a, b, relation, 0.3, c_ab, c_ba, 40, 100, 100)  # type: ignore[arg-type]


def test_stitched_article_links_to_each_wire_item_and_siblings_do_not_link() -> None:
    info = {
        "spa1": _info("spa", "agency", 10, set()),
        "spa2": _info("spa", "agency", 10, set()),
        "paper": _info("okaz", "newspaper", 11, set()),
        "other": _info("alyaum", "newspaper", 11, {"spa"}),
    }
    pairs = [
        _pair("spa1", "paper", "partial", 0.9, 0.3),
        _pair("spa2", "paper", "partial", 0.8, 0.3),
        _pair("spa1", "other", "near_duplicate", 0.7, 0.7),
        _pair("paper", "other", "partial", 0.4, 0.4),  # both copy spa1
    ]
    links = copy_links(pairs, info.__getitem__)
    assert sorted(link.origin for link in links["paper"]) == ["spa1", "spa2"]
    assert all(not link.credited for link in links["paper"])
    assert [(link.origin, link.credited, link.credit) for link in links["other"]] == [("spa1", True, ("byline",))]
    assert "spa1" not in links and "spa2" not in links


def test_credit_to_the_source_the_origin_cites_counts() -> None:
    info = {
        "orig": _info("alriyadh", "newspaper", 10, {"reuters"}),
        "copy": _info("okaz", "newspaper", 11, {"reuters"}),
    }
    (link,) = copy_links([_pair("orig", "copy", "near_duplicate", 0.8, 0.8)], info.__getitem__)["copy"]
    assert link.credited and "reuters" in link.origin_sources


def test_wire_credit_counts_when_the_matched_origin_is_another_newspaper() -> None:
    info = {
        "aleqt": _info("aleqtisadiya", "newspaper", 10, set()),  # dropped the SPA dateline
        "riyadh": _info("alriyadh", "newspaper", 11, {"spa"}),  # «جدة - واس» in its byline
        "okaz": _info("okaz", "newspaper", 11, set()),
    }
    agency = {"spa"}.__contains__
    links = copy_links([_pair("aleqt", "riyadh", "near_duplicate", 0.8, 0.8), _pair("aleqt", "okaz", "near_duplicate", 0.8, 0.8)], info.__getitem__, agency)
    assert [(link.credited, link.credit) for link in links["riyadh"]] == [(True, ("common_source",))]
    assert [link.credited for link in links["okaz"]] == [False]


def test_an_outlet_reposting_its_own_article_is_not_uncredited() -> None:
    info = {"first": _info("almadina", "newspaper", 10, set()), "again": _info("almadina", "newspaper", 11, set())}
    (link,) = copy_links([_pair("first", "again", "duplicate", 1.0, 1.0)], info.__getitem__)["again"]
    assert link.credited and link.credit == ("same_outlet",)
