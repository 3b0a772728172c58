"""Page furniture learned locally in time (dedupe.furniture): a teaser block that rotates under an
outlet's articles of a few days is not reuse; a background paragraph reused in one story's updates
and a story posted twice are."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from dedupe import Config, Document, compare, scan_documents

from .conftest import EXAMPLE

DAY = datetime(2018, 10, 6, 9)
# Bodies of different stories: articles of the shipped example that share no text with any other.
_UNRELATED = (
    "snn-2015-08-10-0173", "snn-2015-08-10-0179", "snn-2015-08-10-0324", "snn-2015-08-10-0408", "snn-2015-08-10-0476",
    "snn-2015-08-10-0612", "snn-2015-08-10-0643", "snn-2015-08-10-0927", "snn-2015-08-10-1069", "snn-2015-08-10-1174",
)
_BY_ID = {row["id"]: row["text"] for row in map(json.loads, (EXAMPLE / "saudinewsnet-2015-08-10-excerpt.jsonl").read_text(encoding="utf-8").splitlines())}
_STORIES = [_BY_ID[i] for i in _UNRELATED]


def _body(k: int) -> str:
    return _STORIES[k]


TEASERS = [
    "هدف قاتل خطف فريق نابولي الإيطالي فوزا ثمينا بتغلبه بهدف نظيف على منافسه الإنجليزي ليفربول في المباراة",
    "نفى النجم البرتغالي كريستيانو رونالدو الاتهامات الموجهة له في قضية قديمة تعود إلى عام 2009 في لاس فيغاس",
    "تمت تزكية قصي الفواز رئيسا للاتحاد السعودي لكرة القدم ليخلف عادل عزت في المنصب حتى عام 2022",
    "عبر الاتحاد المصري لكرة القدم عن دعمه لنجم الزمالك السابق حازم إمام بعد الأزمة الأخيرة مع الجمهور",
    "أعلن نادي الهلال تعاقده مع مدرب جديد لقيادة الفريق الأول في الموسم المقبل بعقد يمتد لعامين",
]


def _cnn(k: int, teasers: list[str], day: int = 0) -> Document:
    return Document(f"cnn-{k}", _body(k) + "\n" + "\n".join(teasers), f"عنوان {k}", date=DAY + timedelta(days=day, hours=k), outlet="CNN")


def _teaser_days() -> list[Document]:
    # Teasers rotate: each article carries four of the five, as an outlet's related-stories block does.
    return [_cnn(k, [x for n, x in enumerate(TEASERS) if n != k % len(TEASERS)], day=k % 3) for k in range(6)]


def test_articles_sharing_only_a_rotating_teaser_block_are_not_paired() -> None:
    config = Config(min_shared_shingles=10, anchor_modulus=1)
    docs = _teaser_days()
    report = scan_documents(docs, config)
    assert len(report.pairs) == 0
    furnished = [d for d in report.documents if any(f.kind == "page_furniture" for f in d.findings)]
    assert len(furnished) == len(docs)
    finding = next(f for f in furnished[0].findings if f.kind == "page_furniture")
    assert finding.count == 4 and docs[0].text[finding.spans[0].start : finding.spans[0].end] in TEASERS
    # What is learned is what they share: with nothing learned, the teasers are shared passages.
    unlearned = scan_documents(docs[:2], config.replace(furniture_min_echoes=1000))
    assert not any(f.kind == "page_furniture" for d in unlearned.documents for f in d.findings)
    assert compare(docs[0], docs[1]).shared_shingles >= 3 * 10


def test_a_story_posted_twice_stays_a_duplicate_and_keeps_its_lead() -> None:
    docs = _teaser_days()
    again = Document("cnn-again", docs[0].text, docs[0].title, date=docs[0].date, outlet="CNN")
    report = scan_documents([*docs, again], Config(min_shared_shingles=10, anchor_modulus=1))
    assert [(p.a, p.b, p.relation) for p in report.pairs] == [("cnn-0", "cnn-again", "duplicate")]


def test_a_background_paragraph_reused_in_updates_is_not_furniture() -> None:
    background = [line for line in _STORIES[9].splitlines() if len(line.split()) >= 8][:3]
    updates = [
        Document(f"sky-{k}", _body(k) + "\n" + "\n".join(background), f"تحديث {k}", date=DAY + timedelta(hours=k), outlet="SkyNews")
        for k in range(4)
    ]
    report = scan_documents(updates, Config(min_shared_shingles=10, anchor_modulus=1))
    assert not any(f.kind == "page_furniture" for d in report.documents for f in d.findings)
    assert report.pairs and {p.relation for p in report.pairs} == {"partial"}


def test_teasers_of_other_days_and_other_outlets_are_not_counted() -> None:
    docs = _teaser_days()
    far = [Document(d.id, d.text, d.title, date=d.date + timedelta(days=10 * k), outlet=d.outlet) for k, d in enumerate(docs)]
    mixed = [Document(d.id, d.text, d.title, date=d.date, outlet=f"outlet-{k}") for k, d in enumerate(docs)]
    for corpus in (far, mixed):
        report = scan_documents(corpus, Config(min_shared_shingles=10, anchor_modulus=1))
        assert not any(f.kind == "page_furniture" for d in report.documents for f in d.findings)


def test_a_teaser_block_may_end_in_teasers_of_stories_not_at_hand() -> None:
    # Each article's block ends in a teaser of a story no other article at hand carries.
    unseen = [" ".join(x.split()[:16]) + " في تقرير خاص رقم" for x in _STORIES[6:9]]
    docs = [
        Document(d.id, d.text + "\n" + unseen[k % 3].replace("رقم", f"رقم {k} من"), d.title, date=d.date, outlet=d.outlet)
        for k, d in enumerate(_teaser_days())
    ]
    report = scan_documents(docs, Config(min_shared_shingles=10, anchor_modulus=1))
    assert len(report.pairs) == 0
    for doc, found in zip(docs, report.documents):
        finding = next(f for f in found.findings if f.kind == "page_furniture")
        assert finding.count == 5
        assert doc.text[finding.spans[-1].start : finding.spans[-1].end].strip() == doc.text.splitlines()[-1].strip()
    # Three unechoed lines are past the tail allowed: nothing is furniture, the lead is safe.
    report = scan_documents(docs, Config(min_shared_shingles=10, anchor_modulus=1, furniture_max_tail=0))
    assert not any(f.kind == "page_furniture" for d in report.documents for f in d.findings)


def test_a_rotating_block_is_furniture_however_short_the_story_and_a_repost_is_not() -> None:
    # Five short stories, each a lead of a dozen words, under four of the five teasers.
    short = [
        Document(f"cnn-short-{k}", " ".join(_STORIES[k].split()[:14]) + "\n" + "\n".join(x for n, x in enumerate(TEASERS) if n != k),
                 f"عنوان {k}", date=DAY + timedelta(hours=k), outlet="CNN")
        for k in range(5)
    ]
    config = Config(min_shared_shingles=10, anchor_modulus=1)
    report = scan_documents(short, config)
    # The teasers are four fifths of each article, and still not a story they share.
    assert all(any(f.kind == "page_furniture" for f in d.findings) for d in report.documents)
    assert not [p for p in report.pairs if p.relation in ("duplicate", "near_duplicate", "partial")]
    # The same short article posted again: its one lead is echoed with every teaser line.
    again = Document("cnn-short-again", short[0].text, short[0].title, date=short[0].date, outlet="CNN")
    report = scan_documents([*short, again], config)
    assert ("cnn-short-0", "cnn-short-again", "duplicate") in [(p.a, p.b, p.relation) for p in report.pairs]
