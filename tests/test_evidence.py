"""The shared passages decide what the overlap of the whole texts cannot: a wire item's sentences
embedded in a longer story are a partial copy, and two stories that only quote the same
statement share a quotation, not a story. Real text of the shipped example; the same answer from
compare, scan and check."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from dedupe import Config, Document, compare, scan_documents
from dedupe.index import open_index
from dedupe.pipeline.prepublish import check, index_documents
from dedupe.report import compare_to_dict, to_dict

from .conftest import EXAMPLE
from .schemas import validate

_BY_ID = {row["id"]: row["text"] for row in map(json.loads, (EXAMPLE / "saudinewsnet-2015-08-10-excerpt.jsonl").read_text(encoding="utf-8").splitlines())}
DAY = datetime(2015, 8, 10, 9)

# A Gulf Cooperation Council wire story (SPA style), and a story of its day that shares nothing with it.
WIRE = _BY_ID["snn-2015-08-10-1207"]
STORY = _BY_ID["snn-2015-08-10-0173"]
_SENTENCES = re.split(r"(?<=[.!؟])\s+", WIRE)


def _wire() -> Document:
    return Document("wire", WIRE, "الزياني: دول المجلس إلى جانب الشعب اليمني", date=DAY, outlet="SPA")


def _embedding(picks: list[int]) -> Document:
    """The story with the wire item's sentences ``picks`` appended, as a paper rounds off its own piece."""
    return Document("story", STORY + "\n" + " ".join(_SENTENCES[k] for k in picks), "عنوان الخبر", date=DAY.replace(hour=12), outlet="Okaz")


@pytest.mark.parametrize("picks", [[3, 5], [3, 4, 5]])
def test_a_wire_items_sentences_embedded_in_a_longer_story_are_a_partial_copy(picks: list[int]) -> None:
    wire, story = _wire(), _embedding(picks)
    pair = compare(wire, story)
    # The overlap of the whole texts is far below the partial rule's containment...
    assert pair.jaccard < 0.15 and max(pair.containment_a_in_b, pair.containment_b_in_a) < Config().partial_containment
    # ...but the passages cover the embedded sentences, whole, in both texts.
    assert pair.relation == "partial"
    assert pair.evidence is not None
    assert pair.evidence.sentences_a == pair.evidence.sentences_b == len(picks)
    embedded = sum(len(_SENTENCES[k].split()) for k in picks)
    assert embedded - 3 <= pair.evidence.covered_b <= embedded + 3 and pair.evidence.quoted_b == 0
    assert any(_SENTENCES[picks[0]][:40] in p.b_text for p in pair.passages)
    # Without the passage rules (sentences and coverage out of reach) the same pair is unrelated.
    strict = Config(partial_min_sentences=1000, partial_min_coverage=0.99, partial_min_matched=0)
    assert compare(wire, story, strict).relation == "unrelated"


def test_one_shared_sentence_is_not_a_partial_copy() -> None:
    assert compare(_wire(), _embedding([3])).relation == "unrelated"


def test_scan_and_check_decide_the_embedded_copy_as_compare_does() -> None:
    wire, story = _wire(), _embedding([3, 4, 5])
    expected = compare(wire, story)
    report = scan_documents([wire, story])
    assert [(p.a, p.b, p.relation, p.evidence) for p in report.pairs] == [("wire", "story", "partial", expected.evidence)]
    assert expected.evidence is not None and report.pairs[0].evidence is not None
    validate(to_dict(report), "report")
    validate(compare_to_dict(expected), "compare")
    with open_index("memory://") as index:
        index_documents([wire], index)
        result = check(story, index)
    assert [(m.id, m.relation) for m in result.matches] == [("wire", "partial")]
    assert result.matches[0].passages and _SENTENCES[3][:40] in result.matches[0].passages[0].b_text


# Two different stories, each with its own framing, quoting the same statements of a Lebanese minister.
_QUOTES = re.findall(r"«(?:[^«»]|«[^«»]*»)*»", _BY_ID["snn-2015-08-10-0643"])


def _quoting() -> tuple[Document, Document]:
    first, second = _QUOTES[3], _QUOTES[2]
    a = Document(
        "a", _BY_ID["snn-2015-08-10-0324"] + "\nوفي بيروت، قال وزير العدل اللبناني أشرف ريفي في حديث تلفزيوني مساء أمس " + first
        + ". ورأى الوزير في الحديث نفسه الذي بثته قناة محلية " + second + ".", "أ", date=DAY, outlet="Al Riyadh",
    )
    b = Document(
        "b", _BY_ID["snn-2015-08-10-1174"] + "\nمن جانبه رأى ريفي خلال لقائه وفدا شعبيا في طرابلس شمال لبنان " + first
        + ". وتابع وزير العدل مخاطبا الحاضرين في مكتبه بالمدينة " + second + ".", "ب", date=DAY.replace(hour=15), outlet="Okaz",
    )
    return a, b


def test_stories_that_only_quote_the_same_statement_share_a_quote_not_a_story() -> None:
    a, b = _quoting()
    pair = compare(a, b)
    assert pair.relation == "quote"
    assert pair.evidence is not None
    # Almost all of what they share stands inside quotation marks (the rest: a king's title both
    # Saudi stories carry, a conjunction before the quote).
    assert pair.evidence.quoted_a == pair.evidence.quoted_b == sum(len(q.split()) for q in _QUOTES[2:4])
    assert max(pair.evidence.quoted_a / pair.evidence.covered_a, pair.evidence.quoted_b / pair.evidence.covered_b) >= Config().quote_min_share
    # The quotation is what makes it a quote: without the rule the same passages are a partial copy.
    assert compare(a, b, Config(quote_min_share=0.99)).relation == "partial"
    report = scan_documents([a, b])
    assert [p.relation for p in report.pairs] == ["quote"]
    # A shared quotation is not reuse: no cluster, no copy link.
    assert len(report.clusters) == 0 and not any(d.copied_from for d in report.documents)
    validate(to_dict(report), "report")
    with open_index("memory://") as index:
        index_documents([a], index)
        result = check(b, index)
    assert [(m.id, m.relation) for m in result.matches] == [("a", "quote")]
    assert result.verdict == "pass"
    assert [r.rule for r in result.reasons] == ["shared_quote"]


def test_the_evidence_is_in_the_report_and_a_verbatim_copy_keeps_its_overlaps_relation() -> None:
    wire = _wire()
    copy = Document("copy", WIRE, "نسخة", date=DAY.replace(hour=11), outlet="Okaz")
    report = scan_documents([wire, copy, _embedding([3, 4, 5])])
    relations = {frozenset((p.a, p.b)): p for p in report.pairs}
    assert relations[frozenset(("copy", "wire"))].relation == "duplicate"
    evidence = relations[frozenset(("copy", "wire"))].evidence
    # A copy's passages cover its whole text in both (the titles differ: the copy's one word is not shared).
    assert evidence is not None and evidence.covered_a == evidence.covered_b == min(evidence.tokens_a, evidence.tokens_b) - 1
    assert evidence.sentences_a == evidence.sentences_b >= 10
    whole = to_dict(report)
    validate(whole, "report")
    rows = {frozenset((p["a"], p["b"])): p for p in whole["pairs"]}
    assert rows[frozenset(("story", "wire"))]["relation"] == "partial"
    assert rows[frozenset(("story", "wire"))]["evidence"]["sentences_a"] == 3
