"""The recall channel for rewritten copy (:mod:`dedupe.sentences`): sentences said again in other
words, on real text. The compiled kernels equal their references; the candidate pairs a scan
draws from the sentence keys are those whose keys meet; two outlets rewording one agency item are
a partial copy in ``compare``, ``scan`` and ``check`` alike, and one outlet's own sentences are not."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from dedupe import Config, Document, compare, scan_documents
from dedupe._infra import jit
from dedupe.documents import iter_documents
from dedupe.index import open_index
from dedupe.locate import marks, sentence_ids
from dedupe.pipeline.prepublish import check, index_documents
from dedupe.policy import Policy
from dedupe.prepare import prepare
from dedupe.sentences import (
    MIN_TOKENS, Filed, _matched_numpy, _matched_python, filed, filed_text, live_tokens, matched, sentence_keys, sentence_pairs, sentences_of,
)

from .conftest import EXAMPLE

REWORDED = Path(__file__).resolve().parent.parent / "fixtures" / "reworded" / "opcw_syria.jsonl"


def _reworded() -> tuple[Document, Document]:
    a, b = iter_documents([REWORDED])
    return a, b


def _example() -> list[Document]:
    return list(iter_documents([EXAMPLE / "saudinewsnet-2015-08-10-excerpt.jsonl"]))


def _sentences(doc: Document):  # type: ignore[no-untyped-def]
    p = prepare(doc, Config(), locate_tokens=True)
    assert p.located is not None
    return p, sentences_of(p.located, marks(doc, p.located), live_tokens(p.located, p.shingles))


def test_sentences_are_the_token_sets_of_the_long_sentences() -> None:
    doc = _example()[0]
    p, s = _sentences(doc)
    assert p.located is not None
    m = marks(doc, p.located)
    sizes = np.bincount(m.sentence)
    assert len(s) == np.count_nonzero(sizes >= MIN_TOKENS) > 0
    for k in range(len(s)):
        first = int(s.first[k])
        tokens = p.located.hashes[m.sentence == m.sentence[first]]
        assert np.array_equal(s.values[s.starts[k] : s.starts[k + 1]], np.unique(tokens))
    # A sentence whose shingles the document no longer keeps (page furniture) does not count.
    none = sentences_of(p.located, m, np.zeros(len(p.located.starts), np.bool_))
    assert len(none) == 0
    assert sentence_keys(s).shape == (len(s), 4) and len(np.unique(sentence_keys(s))) == 4 * len(s)


def test_the_filed_sentences_are_the_sentences_with_their_keys() -> None:
    # What a scan and an index file (one compiled pass over the raw text) equals the sets and
    # keys read the long way, on real text of both corpora's kinds.
    for doc in [*_example(), *_reworded()]:
        p = prepare(doc, Config(), locate_tokens=True)
        assert p.located is not None
        slow = filed(p.located, marks(doc, p.located).sentence)
        s = sentences_of(p.located, marks(doc, p.located))
        assert np.array_equal(slow.keys, sentence_keys(s)) and np.array_equal(slow.values, s.values)
        assert np.array_equal(sentence_ids(doc, p.located), marks(doc, p.located).sentence)
        if jit.available():
            fast = filed_text(doc, p.located, compiled=True)
            assert all(np.array_equal(getattr(fast, f), getattr(slow, f)) for f in ("keys", "values", "starts", "first")), doc.id


def test_the_compiled_match_count_equals_the_reference() -> None:
    if not jit.available():
        pytest.skip("numba is not installed: the compiled count is not built")
    from dedupe.passages import Side

    docs = [*_example()[:12], *_reworded()]
    sides = []
    for d in docs:
        p = prepare(d, Config(), locate_tokens=True)
        assert p.located is not None
        sides.append(Side.of(d, p.located, p.shingles).sentences)
    seen = set()
    for (i, a), (j, b) in itertools.combinations(enumerate(sides), 2):
        for threshold in (0.3, 0.5, 0.8):
            fast, slow = matched(a, b, threshold, compiled=True), _matched_python(a, b, threshold)
            assert fast == slow == _matched_numpy(a, b, threshold), (docs[i].id, docs[j].id, threshold)
            seen.add((slow[0] > 0, slow[2] > 0))
    assert {(True, False), (False, False)} <= seen


def _brute_pairs(docs: list[Document], filed_: list[Filed], max_docs: int, threshold: float) -> list[int]:
    """The sentence channel's pairs the long way: every two sentences of two documents of two
    outlets sharing a key that no more than ``max_docs`` documents hold, and matching."""
    holders: dict[int, set[int]] = {}
    for d, f in enumerate(filed_):
        for key in f.keys.ravel().tolist():
            holders.setdefault(key, set()).add(d)
    found = []
    for i, j in itertools.combinations(range(len(docs)), 2):
        if docs[i].outlet == docs[j].outlet:
            continue
        left, right = set(), set()
        for x in range(len(filed_[i])):
            for y in range(len(filed_[j])):
                shared = set(filed_[i].keys[x].tolist()) & set(filed_[j].keys[y].tolist())
                if not any(len(holders[k]) <= max_docs for k in shared):
                    continue
                sx = set(filed_[i].values[filed_[i].starts[x] : filed_[i].starts[x + 1]].tolist())
                sy = set(filed_[j].values[filed_[j].starts[y] : filed_[j].starts[y + 1]].tolist())
                if len(sx & sy) >= threshold * (len(sx) + len(sy)) / (1 + threshold):
                    left.add(x)
                    right.add(y)
        if len(left) >= 2 and len(right) >= 2:
            found.append(i * len(docs) + j)
    return found


@pytest.mark.parametrize("max_docs", [2, 3, 10_000])
def test_sentence_pairs_are_the_pairs_found_the_long_way(max_docs: int) -> None:
    a, b = _reworded()
    # The rewritten pair twice over (a document saying its lead twice is still one document),
    # among the example's stories under three outlets.
    twice = replace(b, id="twice", text=b.text.split("\n")[0] + " " + b.text)
    docs = [d if d.outlet in ("France24", "SkyNews") else replace(d, outlet=f"outlet-{k % 3}") for k, d in enumerate([*_example(), a, b, twice])]
    filed_ = [prepare(d, Config(), locate_tokens=True).sentences for d in docs]
    per = np.array([len(f) for f in filed_])
    values = np.concatenate([f.values for f in filed_])
    starts = np.concatenate(([0], np.cumsum(np.concatenate([np.diff(f.starts) for f in filed_]))))
    keys = np.concatenate([f.keys.ravel() for f in filed_])
    rows_doc = np.repeat(np.repeat(np.arange(len(docs)), per), 4)
    rows_sent = np.repeat(np.arange(int(per.sum())), 4)
    outlets = {o: n for n, o in enumerate(sorted({d.outlet for d in docs}))}
    found = sentence_pairs(keys, rows_doc, rows_sent, np.array([outlets[d.outlet] for d in docs]), len(docs), max_docs, values, starts, 0.5)
    expected = _brute_pairs(docs, filed_, max_docs, 0.5)
    assert found.tolist() == expected
    if max_docs >= 3:
        assert {len(docs) - 3, len(docs) - 2} <= {c // len(docs) for c in expected} | {c % len(docs) for c in expected}


def test_a_sentence_said_twice_pairs_alike_in_compare_scan_and_check() -> None:
    a, b = _reworded()
    twice = replace(b, text=b.text.split("\n")[0] + " " + b.text)
    assert compare(a, twice).relation == "partial"
    assert [p.relation for p in scan_documents([a, twice]).pairs] == ["partial"]
    with open_index("memory://") as ix:
        index_documents([a], ix)
        assert [m.relation for m in check(twice, ix, Policy(max_matches=10)).matches] == ["partial"]


@pytest.mark.parametrize("backend", ["memory", "sqlite", "redis"])
def test_line_holders_leave_out_keys_too_many_articles_hold(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = {"memory": "memory://", "sqlite": f"sqlite:///{tmp_path / 'ix.db'}"}.get(backend) or str(request.getfixturevalue("redis_url"))
    docs = _example()[:6]
    with open_index(url) as ix:
        index_documents(docs, ix)
        held = [a for a in ix.get_many([d.id for d in docs]).values() if a.lines]
        key = held[0].lines[0]
        everyone = ix.line_holders([key])[0]
        assert ix.line_holders([key, 12345], limit=len(everyone)) == [everyone, []]
        assert ix.line_holders([key, 12345], limit=len(everyone) - 1) == [[], []]


def test_filed_sentences_without_furniture_lines() -> None:
    a, _ = _reworded()
    f = prepare(a, Config(), locate_tokens=True).sentences
    assert len(f) >= 3
    # A line covering the second sentence's first token takes it out, and only it.
    cut = f.without(np.array([[f.first[1], f.first[1] + 1, 0]]))
    assert len(cut) == len(f) - 1 and np.array_equal(cut.first, np.delete(f.first, 1))
    assert np.array_equal(cut.values, np.concatenate([f.values[: f.starts[1]], f.values[f.starts[2] :]]))
    assert np.array_equal(cut.keys, np.delete(f.keys, 1, axis=0)) and cut.starts[-1] == len(cut.values)
    assert f.without(np.empty((0, 3), np.int64)) is f


def test_two_outlets_rewording_one_agency_item_are_a_partial_copy() -> None:
    a, b = _reworded()
    pair = compare(a, b)
    assert pair.relation == "partial" and pair.evidence is not None
    assert pair.jaccard < 0.1 and pair.evidence.sentences_matched == 2 and pair.evidence.sentences_matched_quoted == 1
    assert pair.evidence.sentences_matched_changed == 0  # the same numbers and places
    assert pair.evidence.sentences_a == pair.evidence.sentences_b == 0  # no passage covers a sentence
    # Without the sentences the shared shingles cover too little of either text.
    assert compare(a, b, Config(partial_min_matched=0)).relation == "unrelated"
    # Within one outlet, sentences said again are not looked for.
    same = compare(a, replace(b, outlet=a.outlet))
    assert same.relation == "unrelated" and (same.evidence is None or same.evidence.sentences_matched == 0)


@pytest.mark.parametrize("backend", ["memory", "sqlite", "redis"])
def test_scan_and_check_find_the_rewritten_copy_among_other_stories(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = {"memory": "memory://", "sqlite": f"sqlite:///{tmp_path / 'ix.db'}"}.get(backend) or str(request.getfixturevalue("redis_url"))
    a, b = _reworded()
    others = _example()
    report = scan_documents([a, *others, b])
    assert [(p.a, p.b, p.relation) for p in report.pairs if {p.a, p.b} == {a.id, b.id}] == [(a.id, b.id, "partial")]
    assert not any({p.a, p.b} == {a.id, b.id} for p in scan_documents([a, *others, b], Config(partial_min_matched=0)).pairs)
    with open_index(url) as ix:
        index_documents([a, *others], ix)
        result = check(b, ix, Policy(max_matches=100))
    assert [(m.id, m.relation) for m in result.matches if m.id == a.id] == [(a.id, "partial")]


def test_matched_sentences_naming_other_numbers_and_places_are_a_formula() -> None:
    # The same two sentences filled in again for another country (each still matching its
    # counterpart at Jaccard 0.4, one token changed in each): a template, not a copy.
    a, b = _reworded()
    loose = Config(sentence_min_jaccard=0.4)
    assert compare(a, b, loose).relation == "partial"
    other = replace(b, text=b.text.replace("سوريا", "ليبيا"))
    pair = compare(a, other, loose)
    assert pair.evidence is not None and pair.evidence.sentences_matched == 2
    assert pair.evidence.sentences_matched_changed == 2 and pair.relation == "template"


def test_the_compiled_side_sentences_equal_the_numpy_pass() -> None:
    # What the alignment reads of a document (its live sentences and their slots) in one compiled
    # pass, against the numpy pass, with the whole shingle set and with a third of it kept.
    if not jit.available():
        pytest.skip("numba is not installed: the compiled pass is not built")
    from dedupe.sentences import side_sentences
    from dedupe.slots import slot_ids

    seen = set()
    for doc in [*_example(), *_reworded()]:
        p = prepare(doc, Config(), locate_tokens=True)
        assert p.located is not None
        m = marks(doc, p.located)
        slots = slot_ids(doc, p.located, m)
        for kept in (p.shingles, p.shingles[::3]):
            fast = side_sentences(p.located, m, kept, slots, compiled=True)
            slow = sentences_of(p.located, m, live_tokens(p.located, kept), compiled=False, slots=slots)
            for f in ("values", "starts", "quoted", "first", "by_value", "owner", "slots", "slot_starts"):
                assert np.array_equal(getattr(fast, f), getattr(slow, f)), (doc.id, f)
            seen.add((len(fast), len(fast.slots) > 0))
    assert any(n > 0 and has for n, has in seen)  # sentences that name numbers or places were compared
