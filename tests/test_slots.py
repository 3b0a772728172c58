"""A formula filled in again is not a copy: the same cable to another country's ambassador changes
the slots of the frame (its place and names), a copy that corrects a figure keeps the others.
Real text of the shipped example."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dedupe import Config, Document
from dedupe._infra import jit
from dedupe.locate import locate, marks
from dedupe.passages import diagonal_runs
from dedupe.pipeline import compare, scan_documents
from dedupe.documents import iter_documents
from dedupe.shingles import TokenHasher
from dedupe.slots import _changes_kernel, _changes_python, _number, _place, slot_ids

from .conftest import EXAMPLE

_ROWS = {row["id"]: row for row in map(json.loads, (EXAMPLE / "saudinewsnet-2015-08-10-excerpt.jsonl").read_text(encoding="utf-8").splitlines())}


def _doc(article_id: str, **changes: str) -> Document:
    row = _ROWS[article_id]
    return Document(
        changes.get("id", article_id), changes.get("text", row["text"]), changes.get("title", row["title"]), outlet=row["outlet"],
    )


def _slots(doc: Document) -> dict[str, int]:
    loc = locate(doc, Config(), TokenHasher())
    ids = slot_ids(doc, loc, marks(doc, loc))
    return {doc.text[s:e]: int(v) for s, e, v, title in zip(loc.starts, loc.ends, ids, loc.in_title) if not title}


def test_numbers_are_slots_by_their_digits_and_places_by_their_name() -> None:
    found = _slots(Document("s", "زار الرياض ثم بالرياض وللرياض وفي ١٤٣٦هـ و1436 ومن 600 إلى دمشق مع وزير"))
    assert found["الرياض"] == found["بالرياض"] == found["وللرياض"] != 0
    assert found["١٤٣٦هـ"] == found["و1436"] != 0
    assert found["600"] not in (0, found["و1436"])
    assert found["دمشق"] not in (0, found["الرياض"])
    assert found["زار"] == found["وزير"] == found["مع"] == 0


def test_a_cable_to_another_country_is_a_template_and_a_corrected_figure_a_copy() -> None:
    # The example's SPA item: the KSrelief supervisor receives the ambassador to Yemen.
    item = _doc("snn-2015-08-10-1673")
    row = _ROWS["snn-2015-08-10-1673"]
    other = _doc(
        "snn-2015-08-10-1673", id="other",
        text=row["text"].replace("لدى اليمن", "لدى الأردن").replace("محمد سعيد آل جابر", "عبدالله بن ناصر البصيري").replace("آل جابر", "البصيري"),
        title=row["title"].replace("اليمن", "الأردن"),
    )
    pair = compare(item, other)
    assert pair.relation == "template"
    assert pair.evidence is not None and pair.evidence.slot_changes > pair.evidence.slots_kept
    # The same wording without the slot test: an edited copy.
    assert compare(item, other, Config(template_slot_changes=0)).relation == "near_duplicate"
    # SPA's workshops item, copied with one figure corrected and a clause trimmed: still a copy
    # (it keeps its place and its other numbers).
    spa = _ROWS["snn-2015-08-10-1622"]["text"]
    copy = spa.replace("6 ورش تعريفية", "7 ورش تعريفية").replace(" هذا الأسبوع بمشاركة جمعية النهضة الخيرية", "").replace("،التي تشرف عليها وزارة التعليم", "")
    pair = compare(_doc("snn-2015-08-10-1622"), _doc("snn-2015-08-10-1622", id="copy", text=copy))
    assert pair.relation == "near_duplicate"
    assert pair.evidence is not None and 1 <= pair.evidence.slot_changes <= pair.evidence.slots_kept


def test_the_example_scan_loses_no_copy_to_the_slot_test() -> None:
    docs = list(iter_documents([EXAMPLE]))
    on, off = scan_documents(docs, Config()), scan_documents(docs, Config(template_slot_changes=0))
    reuse = {"duplicate", "near_duplicate", "partial"}
    assert {(p.a, p.b) for p in on.pairs if p.relation in reuse} == {(p.a, p.b) for p in off.pairs if p.relation in reuse}
    assert any(p.evidence is not None and p.evidence.slots_kept for p in on.pairs)


def test_compiled_slot_changes_equal_the_python_reference() -> None:
    if not jit.available():
        pytest.skip("numba is not installed: the compiled slot count is not built")
    config, hasher = Config(), TokenHasher()
    docs = list(iter_documents([EXAMPLE]))
    pairs = [(p.a, p.b) for p in scan_documents(docs, config).pairs]
    by_id = {d.id: d for d in docs}
    assert len(pairs) >= 10
    seen_changes = False
    for a, b in pairs:
        da, db = by_id[a], by_id[b]
        la, lb = locate(da, config, hasher), locate(db, config, hasher)
        sa, sb = slot_ids(da, la, marks(da, la)), slot_ids(db, lb, marks(db, lb))
        d = diagonal_runs(la, lb, np.intersect1d(la.shingles, lb.shingles), compiled=False)
        fast = jit.compiled(_changes_kernel)(d, np.int64(la.n), np.int64(lb.n), sa, sb, np.int64(8))
        slow = _changes_python(d, la.n, lb.n, sa, sb, 8)
        assert (int(fast[0]), int(fast[1])) == slow, (a, b)
        seen_changes |= slow[0] > 0
    # Random places and numbers over the same alignments reach every branch.
    rng = np.random.default_rng(3)
    pool = np.array([0] * 6 + [_place(p) for p in ("a", "b", "c")] + [_number(n) for n in ("5", "51", "1", "30", "23", "007", "363", "363378")], dtype=np.uint64)
    for a, b in pairs[:40]:
        la, lb = locate(by_id[a], config, hasher), locate(by_id[b], config, hasher)
        sa, sb = rng.choice(pool, len(la.starts)), rng.choice(pool, len(lb.starts))
        d = diagonal_runs(la, lb, np.intersect1d(la.shingles, lb.shingles), compiled=False)
        fast = jit.compiled(_changes_kernel)(d, np.int64(la.n), np.int64(lb.n), sa, sb, np.int64(8))
        assert (int(fast[0]), int(fast[1])) == _changes_python(d, la.n, lb.n, sa, sb, 8)
        seen_changes |= _changes_python(d, la.n, lb.n, sa, sb, 8)[0] > 0
    assert seen_changes


def test_a_number_written_another_way_is_no_change() -> None:
    # Two runs of three tokens with a gap between them (shingles of one token, so tokens are positions).
    def changes(gap_a: list[int], gap_b: list[int]) -> int:
        a = np.array([0, 0, 0, *gap_a, 0, 0, 0], dtype=np.uint64)
        b = np.array([0, 0, 0, *gap_b, 0, 0, 0], dtype=np.uint64)
        d = np.array([[0, 2, 0, 2, 3, 0], [3 + len(gap_a), 5 + len(gap_a), 3 + len(gap_b), 5 + len(gap_b), 3, 0]], dtype=np.int64)
        slow = _changes_python(d, 1, 1, a, b, 8)[0]
        if jit.available():
            assert int(jit.compiled(_changes_kernel)(d, np.int64(1), np.int64(1), a, b, np.int64(8))[0]) == slow
        return slow

    assert changes([_number("30")], [_number("23")]) == 1
    assert changes([_number("51")], [_number("5"), 0, _number("1")]) == 0  # ٥٫١ as one token or two
    assert changes([_number("363378")], [_number("363"), 0]) == 0  # rounded: ٣٦٣ ألف
    assert changes([_place("x")], [_place("y")]) == 1
    assert changes([_place("x"), 0], [_place("x")]) == 0
    assert changes([0, 0], [0]) == 0  # an edit of words only
