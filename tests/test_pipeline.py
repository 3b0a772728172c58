from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedupe import Config, Document, compare, scan, scan_documents
from dedupe.models import Report

from .conftest import EXAMPLE, SEED_000, SEED_003
from .variants import orthographic_variant


@pytest.fixture(scope="module")
def example_report() -> Report:
    return scan([EXAMPLE])


def _pair(report: Report, a: str, b: str):  # type: ignore[no-untyped-def]
    for p in report.pairs:
        if {p.a, p.b} == {a, b}:
            return p
    return None


def _txt(path: Path, doc_id: str | None = None) -> Document:
    raw = path.read_text(encoding="utf-8")
    return Document(doc_id or path.name, raw, next(l for l in raw.splitlines() if l.strip()).strip(), title_in_text=True)


def test_orthographic_variant_scores_jaccard_one() -> None:
    seed = _txt(SEED_000)
    variant = Document("variant", orthographic_variant(seed.text))
    pair = compare(seed, variant)
    assert pair is not None
    assert pair.jaccard == 1.0
    assert pair.relation == "duplicate"


def test_example_scan_finds_variant_and_reworded_copy_but_not_unrelated(example_report: Report) -> None:
    seed = "000_1d40cc6677096fc7.txt"
    variant = _pair(example_report, seed, "000_variant_spelling.txt")
    assert variant is not None and variant.relation == "duplicate" and variant.jaccard == 1.0
    reworded = _pair(example_report, seed, "000_reworded_copy.txt")
    assert reworded is not None and reworded.relation in ("near_duplicate", "partial")
    assert reworded.containment_b_in_a > 0.5 or reworded.containment_a_in_b > 0.5
    assert _pair(example_report, seed, "003_9fd6ca38c3f9c008.txt") is None
    cluster = next(c for c in example_report.clusters if any(m.id == seed for m in c.members))
    assert {m.id for m in cluster.members} >= {seed, "000_variant_spelling.txt"}


def test_passages_are_raw_spans_in_both_documents(example_report: Report) -> None:
    texts = {}
    for path in EXAMPLE.glob("*.txt"):
        texts[path.name] = path.read_text(encoding="utf-8")
    reworded = _pair(example_report, "000_1d40cc6677096fc7.txt", "000_reworded_copy.txt")
    assert reworded is not None and reworded.passages
    for passage in reworded.passages:
        assert texts[reworded.a][passage.a.start : passage.a.end] == passage.a_text
        assert texts[reworded.b][passage.b.start : passage.b.end] == passage.b_text
        assert len(passage.a_text.split()) >= 5


def test_seed_findings_in_example_scan(example_report: Report) -> None:
    docs = {d.id: d for d in example_report.documents}
    kinds_000 = {f.kind for f in docs["000_1d40cc6677096fc7.txt"].findings}
    assert {"scraper_marker", "stripped_credit"} <= kinds_000
    messages_003 = [f.message for f in docs["003_9fd6ca38c3f9c008.txt"].findings]
    assert "title repeated 3× in body" in messages_003


def test_spa_items_and_their_newspaper_copies_cluster(example_report: Report) -> None:
    outlets = {d.id: d.outlet for d in example_report.documents}
    spa_pairs = [p for p in example_report.pairs if (outlets[p.a] == "was") != (outlets[p.b] == "was") and p.relation != "template"]
    assert len(spa_pairs) >= 6
    for cluster in example_report.clusters:
        member_outlets = {m.outlet for m in cluster.members}
        if "was" in member_outlets:
            assert outlets[cluster.original] == "was" or cluster.members[0].date is not None


def test_contained_wire_item_is_partial() -> None:
    seed = _txt(SEED_000)
    other = _txt(SEED_003)
    body = [l for l in seed.text.splitlines() if l.strip() and not l.startswith("[ad")][1:6]
    stitched = Document("stitched", other.text + "\n" + "\n".join(body))
    short = Document("short", "\n".join(body))
    pair = compare(short, stitched)
    assert pair is not None
    assert pair.relation == "partial"
    assert pair.containment_a_in_b > 0.9 and pair.jaccard < 0.5


def _excerpt_articles() -> list[Document]:
    rows = [json.loads(line) for line in (EXAMPLE / "saudinewsnet-2015-08-10-excerpt.jsonl").read_text(encoding="utf-8").splitlines()]
    return [Document(r["id"], r["text"], r["title"], outlet="paper") for r in rows]


def _lead(text: str) -> str:
    """The first paragraph of at least 25 words: a short article, which a footer can dominate."""
    return next((line for line in text.splitlines() if len(line.split()) >= 25), text)


def _links(report: Report) -> set[frozenset[str]]:
    return {frozenset((p.a, p.b)) for p in report.pairs}


def test_outlet_boilerplate_learned_from_corpus_does_not_link_unrelated_articles() -> None:
    footer = "تابعونا على حساباتنا في مواقع التواصل الاجتماعي للحصول على آخر الأخبار المحلية والعالمية لحظة بلحظة من صحيفة الأنباء اليومية"
    articles = [Document(d.id, _lead(d.text), outlet=d.outlet) for d in _excerpt_articles()]
    with_footer = [Document(d.id, d.text + "\n" + footer, outlet=d.outlet) for d in articles]
    truth = _links(scan_documents(articles, Config(boilerplate_min_outlet_docs=10_000)))
    plain = _links(scan_documents(with_footer, Config(boilerplate_min_outlet_docs=10_000)))
    learned_report = scan_documents(with_footer, Config(boilerplate_min_outlet_docs=20))
    learned = _links(learned_report)
    assert len(plain - truth) >= 5  # without learning, the footer links unrelated articles
    # Links that only appear with the footer learned come from the shingles that straddle the
    # end of a lead and the start of the footer: they must be real copies just below the
    # reporting floor without it, never articles sharing nothing but the footer.
    by_id = {d.id: d for d in articles}
    for link in learned - truth:
        a, b = sorted(link)
        pair = compare(by_id[a], by_id[b])
        assert pair is not None and pair.shared_shingles >= 8, (a, b)
    # Learning may only lose borderline links (a few shingles above the reporting floor). With
    # every shingle an anchor (so candidates do not depend on which shingles the hash picks
    # as anchors), what learning loses is what it removed, not what sampling missed.
    exhaustive = _links(scan_documents(with_footer, Config(boilerplate_min_outlet_docs=20, anchor_modulus=1)))
    truth_pairs = {frozenset((p.a, p.b)): p for p in scan_documents(articles, Config(boilerplate_min_outlet_docs=10_000)).pairs}
    for link in truth - exhaustive:
        assert truth_pairs[link].shared_shingles < 20, link
    assert len(truth - exhaustive) <= 3
    assert len(truth - learned) <= 4
    assert sum(1 for d in learned_report.documents for f in d.findings if f.kind == "outlet_boilerplate") >= 30


def test_empty_short_and_huge_documents_are_skipped_not_fatal() -> None:
    docs = [
        Document("empty", "   "),
        Document("short", "خبر قصير جدا"),
        Document("huge", "كلمة " * 600_000),
        _txt(SEED_000),
    ]
    report = scan_documents(docs)
    skipped = {d.id: d.skipped for d in report.documents}
    assert skipped == {"empty": "empty", "short": "too_short", "huge": "too_large", "000_1d40cc6677096fc7.txt": None}


def test_scan_output_is_deterministic(example_report: Report) -> None:
    from dedupe.report import to_dict

    again = scan([EXAMPLE])
    first, second = to_dict(example_report), to_dict(again)
    first.pop("timings"), second.pop("timings")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_worker_processes_give_the_same_report(example_report: Report) -> None:
    from dedupe.report import to_dict

    parallel = scan([EXAMPLE], jobs=2)
    first, second = to_dict(example_report), to_dict(parallel)
    first.pop("timings"), second.pop("timings")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        pytest.param("حالة الطقس المتوقعة اليوم الإثنين", {"الاثنين"}, id="plain-weekday"),
        pytest.param("وصل الوفد أمس الثلاثاء ويغادر الخميس", {"الثلاثاء", "الخميس"}, id="two-weekdays"),
        pytest.param("تقام المباراة بالجمعة والسبت", {"الجمعه", "السبت"}, id="clitic-prefixes"),
        pytest.param("قال أحد الجناة إنه نادم", set(), id="ahad-without-article-is-not-sunday"),
    ],
)
def test_weekday_mask(text: str, days: set[str]) -> None:
    from dedupe.normalize import tokenize
    from dedupe.verify import _WEEKDAY_BITS, weekday_mask

    assert weekday_mask(tokenize(text)) == sum(_WEEKDAY_BITS[d] for d in days)


def test_bulletins_of_different_weekdays_are_templates_not_copies() -> None:
    from dedupe.verify import is_template, score

    import numpy as np

    shingles = np.arange(100, dtype=np.uint32)
    s = score(shingles, shingles[:80])
    empty = np.empty(0, dtype=np.uint64)
    monday, tuesday = 1 << 1, 1 << 2
    assert is_template(s, empty, empty, Config(), (monday, tuesday))
    assert not is_template(s, empty, empty, Config(), (monday, monday | tuesday))
    assert not is_template(s, empty, empty, Config(), (0, tuesday))


def test_without_passages_the_pairs_are_the_same() -> None:
    docs = _excerpt_articles()
    full = scan_documents(docs)
    bare = scan_documents(docs, Config(max_passages=0))
    assert [(p.a, p.b, p.relation, p.jaccard) for p in bare.pairs] == [(p.a, p.b, p.relation, p.jaccard) for p in full.pairs]
    assert full.pairs and all(p.passages for p in full.pairs) and not any(p.passages for p in bare.pairs)


def test_prepare_locates_tokens_exactly_as_locate_does() -> None:
    """The scan keeps where each token sits from its one cleaning pass (spooled with the text),
    instead of cleaning each paired document again: it must be what locate() gives."""
    import numpy as np

    from dedupe.documents import DEFAULT_FIELDS, iter_documents
    from dedupe.pipeline import prepare
    from dedupe.registry import default_registry
    from dedupe.shingles import TokenHasher
    from dedupe.verify import locate

    hasher = TokenHasher()
    docs = list(iter_documents([EXAMPLE], fields=DEFAULT_FIELDS))
    for doc in docs:
        mine = prepare(doc, Config(), hasher, default_registry(), locate_tokens=True).located
        theirs = locate(doc, Config(), hasher)
        assert mine is not None and mine.n == theirs.n
        for field in ("starts", "ends", "in_title", "shingles"):
            assert np.array_equal(getattr(mine, field), getattr(theirs, field)), (doc.id, field)
