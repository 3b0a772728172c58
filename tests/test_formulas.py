"""A formula is not a copy: wording that recurs day after day across many documents (a governor's
reception item with other visitors, another day's bulletin) makes a partial pair a template; the
same passage copied by many papers on one day stays a partial copy. Real text of the shipped
example (tests/test_index.py holds check to the same answers on every backend)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from dedupe import Config, Document, scan_documents

from .conftest import EXAMPLE

_BY_ID = {row["id"]: row["text"] for row in map(json.loads, (EXAMPLE / "saudinewsnet-2015-08-10-excerpt.jsonl").read_text(encoding="utf-8").splitlines())}
# Sixteen stories of the example that share no text with each other.
_BODIES = [
    _BY_ID[f"snn-2015-08-10-{n}"]
    for n in ("0173", "0179", "0324", "0408", "0476", "0612", "0643", "0927", "1069", "1174", "1207", "1122", "1589", "0097", "1604")
] + [_BY_ID["snn-2015-08-11-1156"]]
# The reception formula of the example's snn-2015-08-10-0866, with the visitor as its slot.
_FORMULA = (
    "استقبل صاحب السمو الملكي الأمير فيصل بن بندر بن عبدالعزيز أمير منطقة الرياض في مكتب سموه بقصر الحكم أمس {} "
    "الذي قدم للسلام على سموه بعد تعيينه في منصبه الجديد. وتمنى سمو أمير منطقة الرياض له التوفيق والنجاح فيما كلف به "
    "من عمل جليل لخدمة الدين ثم المليك والوطن."
)
_VISITORS = [
    f"مدير عام فرع {agency} بمنطقة الرياض"
    for agency in (
        "وزارة العمل", "وزارة الصحة", "وزارة التعليم", "وزارة الشؤون الإسلامية", "الهيئة العامة للسياحة", "المؤسسة العامة لصوامع الغلال",
        "هيئة الهلال الأحمر", "المديرية العامة للدفاع المدني", "المديرية العامة للجوازات", "الإدارة العامة للمرور", "مؤسسة البريد السعودي",
        "وزارة التجارة", "وزارة الزراعة", "وزارة الإسكان", "الأحوال المدنية", "وزارة الشؤون الاجتماعية",
    )
]
DAY = datetime(2015, 8, 1, 9)
# A scan of a few documents measures no corpus statistics; these tests lower the corpus size it needs.
CONFIG = Config(template_min_corpus=10)


def _receptions(days: int) -> list[Document]:
    """Sixteen stories, each followed by the reception item of another visitor, over ``days`` days."""
    return [
        Document(f"r{k:02d}", body + "\n" + _FORMULA.format(visitor), f"خبر {k}", date=DAY + timedelta(days=k % days, hours=k), outlet=f"paper{k % 4}")
        for k, (body, visitor) in enumerate(zip(_BODIES, _VISITORS))
    ]


def _relations(docs: list[Document], config: Config) -> set[str]:
    return {p.relation for p in scan_documents(docs, config).pairs}


def test_a_formula_recurring_over_many_days_is_a_template() -> None:
    docs = _receptions(days=8)
    assert _relations(docs, CONFIG) == {"template"}
    # Without the formula test the passages alone make every pair partial.
    assert _relations(docs, CONFIG.replace(formula_min_days=1000)) == {"partial"}
    # A corpus too small to count documents and days measures nothing: partial again.
    assert _relations(docs, Config()) == {"partial"}


def test_one_passage_copied_by_many_papers_on_one_day_stays_a_partial_copy() -> None:
    wire = _FORMULA.format(_VISITORS[0])
    docs = [
        Document(f"c{k:02d}", body + "\n" + wire, f"خبر {k}", date=DAY + timedelta(hours=k), outlet=f"paper{k % 4}")
        for k, body in enumerate(_BODIES)
    ]
    report = scan_documents(docs, CONFIG)
    assert {p.relation for p in report.pairs} == {"partial"}
    # Every pair with a story short enough for the passage to be a tenth of it is aligned and found.
    short = {d.id for d in docs if len(d.text.split()) < 400}
    found = {frozenset((p.a, p.b)) for p in report.pairs}
    expected = {frozenset((a.id, b.id)) for k, a in enumerate(docs) for b in docs[k + 1 :] if a.id in short or b.id in short}
    assert len(short) >= 8 and expected <= found
