"""The one origin rule (dedupe.origin): clusters and copy links name the same original."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from dedupe import Document, scan, scan_documents
from dedupe.models import Report
from dedupe._infra.dates import NO_DATE, date_keys
from dedupe.origin import OriginKeys, basis, cluster_original, directions
from dedupe.pairs import PairColumns

from .conftest import EXAMPLE


@pytest.fixture(scope="module")
def example_report() -> Report:
    return scan([EXAMPLE])


def assert_originals_agree_with_links(report: Report) -> int:
    """No cluster's original copies (by its own copied_from) another member of its cluster, and a
    cluster holding an SPA item names it the original; returns how many clusters hold one."""
    docs = {d.id: d for d in report.documents}
    with_agency = 0
    for cluster in report.clusters:
        members = {m.id for m in cluster.members}
        original = docs[cluster.original]
        assert not {link.origin for link in original.copied_from} & members, cluster.id
        if any(docs[m].outlet == "was" for m in members):
            with_agency += 1
            assert original.outlet == "was", (cluster.id, cluster.original)
    return with_agency


def test_cluster_originals_are_the_copy_link_origins(example_report: Report) -> None:
    """Before the one rule, three of the example's six clusters holding an SPA item named a
    newspaper copy as the original while that copy's own copied_from named the SPA item."""
    assert assert_originals_agree_with_links(example_report) == 6


def test_undated_members_take_the_original_the_links_name(example_report: Report) -> None:
    docs = {d.id: d for d in example_report.documents}
    cluster = next(c for c in example_report.clusters if any(m.id == "000_1d40cc6677096fc7.txt" for m in c.members))
    assert all(m.date is None for m in cluster.members)
    for m in cluster.members[1:]:
        assert [link.origin for link in docs[m.id].copied_from] == [cluster.original]
        assert docs[m.id].copied_from[0].basis == "containment"


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


def _keys(not_agency: list[int], days: list[int | None]) -> OriginKeys:
    when = np.array([NO_DATE if d is None else d for d in days], dtype=np.int64)
    return OriginKeys(np.array(not_agency, dtype=np.int8), when, np.arange(len(days), dtype=np.int64))


@pytest.mark.parametrize(
    ("not_agency", "days", "shared", "sizes", "a_first"),
    [
        pytest.param([1, 0], [1, 2], 50, (100, 100), False, id="agency-before-an-earlier-paper"),
        pytest.param([1, 1], [2, 1], 50, (100, 100), False, id="earlier-first"),
        pytest.param([1, 1], [1, 1], 50, (100, 50), False, id="same-day-more-contained-first"),
        pytest.param([1, 1], [None, None], 50, (50, 100), True, id="undated-more-contained-first"),
        pytest.param([1, 1], [1, None], 50, (100, 50), True, id="dated-before-undated"),
        pytest.param([1, 1], [3, 3], 50, (100, 100), True, id="full-tie-smaller-id"),
    ],
)
def test_directions(not_agency: list[int], days: list[int | None], shared: int, sizes: tuple[int, int], a_first: bool) -> None:
    one = np.array([0], dtype=np.int32)
    columns = PairColumns(one, one + 1, np.array([shared], np.int32), np.array([sizes[0]], np.int32), np.array([sizes[1]], np.int32), np.array([1], np.int8))
    assert directions(columns, _keys(not_agency, days)).a_is_origin.tolist() == [a_first]


def test_basis_names_what_decided() -> None:
    assert basis(True, False, 5, 1) == "agency"
    assert basis(False, False, 1, 5) == "date"
    assert basis(False, False, 1, 1) == "containment"
    assert basis(False, False, NO_DATE, 5) == "containment"


def test_a_tie_for_first_place_goes_to_the_member_the_others_copy() -> None:
    keys = _keys([1, 1, 1], [1, 1, 2])
    # 0 and 1 tie on date; 1 is the origin of 0 (more contained), so 1 is the original, not the smaller id.
    assert cluster_original([0, 1, 2], keys, {0: [(1, False), (2, True)], 1: [(0, True), (2, True)]}) == 1
    # Without a pair between the tied members, the smaller id.
    assert cluster_original([0, 1, 2], keys, {0: [(2, True)], 1: [(2, True)]}) == 0
    # A cycle leaves no member that copies none of the others: the smaller id.
    cycle = _keys([1, 1, 1], [1, 1, 1])
    assert cluster_original([0, 1, 2], cycle, {0: [(1, True), (2, False)], 1: [(2, True), (0, False)], 2: [(0, True), (1, False)]}) == 0


def test_a_scan_of_same_day_copies_names_the_contained_one_the_original() -> None:
    """Two copies of a story on the same day, one also carrying a sidebar: the plain one is the
    origin of the links and the cluster's original, whatever their ids."""
    base = " ".join(f"كلمة{k} في الخبر الرئيسي عن الاجتماع" for k in range(40))
    extra = " ".join(f"فقرة{k} اضافية عن موضوع اخر تماما" for k in range(8))
    day = datetime(2015, 8, 10, 9)
    docs = [Document("a-longer", base + " " + extra, date=day, outlet="okaz"), Document("z-plain", base, date=day, outlet="alyaum")]
    report = scan_documents(docs)
    (cluster,) = report.clusters
    assert cluster.original == "z-plain"
    copies = {d.id: [link.origin for link in d.copied_from] for d in report.documents}
    assert copies == {"a-longer": ["z-plain"], "z-plain": []}
