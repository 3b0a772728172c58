from __future__ import annotations

from datetime import datetime

import pytest

from dedupe.cluster import build_clusters, headline_groups, near_identical
from dedupe.models import Pair
from dedupe.normalize import tokenize


def pair(a: str, b: str, jaccard: float, relation: str = "near_duplicate") -> Pair:
    return Pair(a, b, relation, jaccard, jaccard, jaccard, 50, 100, 100)  # type: ignore[arg-type]


DATES = {"spa": datetime(2015, 8, 10, 9), "a": datetime(2015, 8, 10, 12), "b": datetime(2015, 8, 11, 1), "c": datetime(2015, 8, 11, 2), "d": datetime(2015, 8, 11, 3)}


def meta(doc_id: str) -> tuple[str, datetime | None]:
    return ("was" if doc_id == "spa" else "paper", DATES.get(doc_id))


def test_clique_of_copies_is_one_cluster_with_the_wire_item_as_original() -> None:
    pairs = [pair(x, y, 0.8) for x, y in [("spa", "a"), ("spa", "b"), ("a", "b")]]
    (cluster,) = build_clusters(pairs, meta)
    assert cluster.original == "spa"
    assert [m.id for m in cluster.members] == ["spa", "a", "b"]
    assert cluster.density == 1.0
    assert all(len(m.edges) == 2 for m in cluster.members)


def test_a_chain_stops_growing_where_links_get_thin() -> None:
    # spa~a~b~c~d: each text is a rewrite of the previous one only.
    pairs = [pair("spa", "a", 0.9), pair("a", "b", 0.8), pair("b", "c", 0.7), pair("c", "d", 0.6)]
    clusters = build_clusters(pairs, meta)
    grouped = [sorted(m.id for m in c.members) for c in clusters]
    assert grouped == [["a", "b", "spa"], ["c", "d"]]
    assert clusters[0].linked == ("c",)
    assert clusters[1].linked == ("b",)
    for c in clusters:
        for m in c.members:
            assert {e.other for e in m.edges} <= {x.id for x in c.members}


def test_two_stories_bridged_by_one_pair_stay_apart() -> None:
    pairs = [pair("spa", "a", 0.9), pair("b", "c", 0.9), pair("a", "b", 0.3)]
    clusters = build_clusters(pairs, meta)
    assert sorted(sorted(m.id for m in c.members) for c in clusters) == [["a", "spa"], ["b", "c"]]


def test_partial_pairs_never_merge_and_are_listed() -> None:
    pairs = [pair("spa", "a", 0.9), pair("a", "d", 0.2, "partial")]
    (cluster,) = build_clusters(pairs, meta)
    assert {m.id for m in cluster.members} == {"spa", "a"}
    assert cluster.partial_links == ("d",)


def test_minimum_linkage_one_allows_only_cliques() -> None:
    pairs = [pair("spa", "a", 0.9), pair("a", "b", 0.8)]
    clusters = build_clusters(pairs, meta, min_linkage=1.0)
    assert [sorted(m.id for m in c.members) for c in clusters] == [["a", "spa"]]


def test_near_identical_headlines_group_across_outlets() -> None:
    headlines = [
        ("1", tuple(tokenize("مصدر لرويترز: المفاوضات التي تقودها قطر بين إسرائيل وحماس مستمرة"))),
        ("2", tuple(tokenize("مصدر لرويترز : المفاوضات التى تقودها قطر بين إسرائيل و حماس مستمرة"))),
        ("3", tuple(tokenize("مصدر لرويترز: المفاوضات التي تقودها مصر بين إسرائيل وحماس متعثرة"))),
        ("4", tuple(tokenize("أمير منطقة الرياض يستقبل مدير شرطة المنطقة"))),
    ]
    groups = headline_groups(headlines, similarity=92.0, min_tokens=4)
    assert [g.ids for g in groups] == [("1", "2")]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param("ترمب يعلن انسحاب بلاده من الاتفاق النووي مع ايران", "ترامب يعلن انسحاب بلاده من الاتفاق النووي مع ايران", True, id="spelling-variant-of-one-name"),
        pytest.param("امير منطقه الرياض يستقبل مدير شرطه المنطقه", "امير منطقه الرياض يستقبل مدير شرطه المنطقه", True, id="identical"),
        pytest.param("الاسهم الامريكيه تستهل تداولاتها علي ارتفاع", "الاسهم الامريكيه تستهل تداولاتها علي انخفاض", False, id="opposite-fact-one-word-but-short"),
        pytest.param("امير منطقه الرياض يستقبل سفير اليابان", "امير منطقه الرياض يستقبل سفير المانيا الاتحاديه", False, id="template-different-visitor"),
    ],
)
def test_near_identical_headlines(a: str, b: str, same: bool) -> None:
    assert bool(near_identical(a, b, 92.0)) is same
