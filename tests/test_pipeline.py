from __future__ import annotations

import json
import pickle
import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import Config, Document, check, compare, index_documents, open_index, scan, scan_documents
from dedupe.models import Report
from dedupe.pairs import ColumnPairs

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
    holding_spa = [c for c in example_report.clusters if any(m.outlet == "was" for m in c.members)]
    assert len(holding_spa) >= 5
    assert all(outlets[c.original] == "was" for c in holding_spa)


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


def test_without_passages_the_pairs_are_the_same() -> None:
    docs = _excerpt_articles()
    full = scan_documents(docs)
    bare = scan_documents(docs, Config(max_passages=0))
    assert [(p.a, p.b, p.relation, p.jaccard) for p in bare.pairs] == [(p.a, p.b, p.relation, p.jaccard) for p in full.pairs]
    assert full.pairs and all(p.passages for p in full.pairs) and not any(p.passages for p in bare.pairs)


def test_scan_without_passages_reads_pairs_from_columns(example_report: Report) -> None:
    bare = scan([EXAMPLE], config=Config(max_passages=0))
    assert isinstance(bare.pairs, ColumnPairs)
    assert list(bare.pairs) == [replace(p, passages=()) for p in example_report.pairs]
    assert bare.counts == example_report.counts
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
    assert [d.skipped for d in with_skipped.documents] == ["empty", "too_short"]
    assert with_skipped.documents.scanned_count() == 0  # type: ignore[attr-defined]


# ---------------------------------------------------------------- one relation for scan, compare and check

_BULLETIN = _excerpt_articles()


def _edited(text: str, edit: str, rng: random.Random) -> str:
    """``text`` changed as copies and templates change news text."""
    words = text.split()
    if edit == "weekday":  # another day's bulletin: the weekday and nothing else
        return " ".join(words) + " وذلك يوم " + rng.choice(["الثلاثاء", "الخميس"])
    if edit == "numbers":
        return " ".join(str(int(w) + 1) if w.isdigit() else w for w in words)
    if edit == "truncated":
        return " ".join(words[: max(12, len(words) // rng.randint(2, 4))])
    if edit == "embedded":
        return rng.choice(_BULLETIN).text + "\n" + " ".join(words[: len(words) // 2])
    return " ".join(w for w in words if rng.random() > 0.1)  # "dropped": a tenth of the words gone


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(_BULLETIN) - 1), st.sampled_from(["weekday", "numbers", "truncated", "embedded", "dropped"]), st.integers(0, 2**16))
def test_compare_scan_and_check_give_one_relation(k: int, edit: str, seed: int) -> None:
    """The same two texts get the same relation from `dedupe compare`, from a scan of the two and
    from a check of one against an index holding the other. (A scan and a check look only at
    candidate pairs, by the same LSH and anchor rules: both or neither consider a pair.)"""
    rng = random.Random(seed)
    base = _BULLETIN[k]
    a = Document("a", base.text + " يوم الاثنين", base.title, outlet="okaz")
    b = Document("b", _edited(a.text, edit, rng), base.title, outlet="alyaum")
    by_compare = compare(a, b).relation
    report = scan_documents([a, b])
    candidate = report.timings["candidates_total"] > 0
    by_scan = report.pairs[0].relation if len(report.pairs) else "unrelated"
    index = open_index("memory://")
    index_documents([b], index)
    result = check(a, index)
    by_check = {m.id: m.relation for m in result.matches}.get("b", "unrelated")
    assert (result.candidates > 0) == candidate
    if candidate:
        assert by_compare == by_scan == by_check, (edit, by_compare, by_scan, by_check)
    else:
        assert by_scan == by_check == "unrelated"


def test_two_bulletins_that_differ_only_in_the_weekday_are_templates_everywhere() -> None:
    """The fault the one relation function mends: compare used to call these duplicates."""
    text = " ".join(_BULLETIN[3].text.split()[:30])  # Jaccard 27 / 29, below template_max_jaccard
    a, b = Document("a", text + " اليوم الاثنين"), Document("b", text + " اليوم الثلاثاء")
    index = open_index("memory://")
    index_documents([b], index)
    assert compare(a, b).relation == "template"
    assert scan_documents([a, b]).pairs[0].relation == "template"
    assert [m.relation for m in check(a, index).matches] == ["template"]
