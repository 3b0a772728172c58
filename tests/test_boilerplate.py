"""Outlet boilerplate learned from the corpus (dedupe.boilerplate): a footer every article of an
outlet carries stops linking unrelated articles, and real copies stay linked."""

from __future__ import annotations

import json

from dedupe import Config, Document, compare, scan_documents
from dedupe.models import Report

from .conftest import EXAMPLE


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


