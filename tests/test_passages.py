"""Shared passages (dedupe.passages): the compiled alignment equals the plain-Python walk, and
passages are exact raw spans in both texts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import Config, Document
from dedupe._infra import jit
from dedupe.locate import Located, locate
from dedupe.passages import aligned_runs, diagonal_runs, passages
from dedupe.shingles import TokenHasher

from .conftest import SEED_000


def _located(shingles: np.ndarray, n: int) -> Located:
    zeros = np.zeros(len(shingles), np.int32)
    return Located(zeros, zeros, np.zeros(len(shingles), np.bool_), shingles, n, np.zeros(len(shingles), np.uint64))


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(1, 5), st.sampled_from([8, 40, 10_000]))
def test_compiled_alignment_equals_the_python_walk(seed: int, na: int, nb: int, alphabet: int) -> None:
    # b is a edited (words replaced, stretches cut, others inserted), over a small or large
    # alphabet: repeated shingles, broken diagonals and gaps of every size reach every branch.
    if not jit.available():
        pytest.skip("numba is not installed: the compiled alignment is not built")
    rng = np.random.default_rng(seed)
    sa = rng.integers(0, alphabet, size=int(rng.integers(0, 150))).astype(np.uint32)
    sb = sa.copy()
    for _ in range(int(rng.integers(0, 6))):
        cut = int(rng.integers(0, len(sb) + 1))
        edit = rng.integers(0, 3)
        if edit == 0 and len(sb):  # replace a few
            sb[cut % len(sb) : cut % len(sb) + int(rng.integers(1, 12))] = rng.integers(0, alphabet)
        elif edit == 1:  # delete a stretch
            sb = np.delete(sb, np.arange(cut, min(len(sb), cut + int(rng.integers(1, 15)))))
        else:  # insert a stretch
            sb = np.insert(sb, cut, rng.integers(0, alphabet, size=int(rng.integers(1, 15))).astype(np.uint32))
    common = np.intersect1d(sa, sb)
    # Boilerplate removal can drop shared shingles from the sets: keep a random subset.
    shared = common[rng.random(len(common)) < 0.9]
    la, lb = _located(sa, na), _located(sb, nb)
    assert np.array_equal(diagonal_runs(la, lb, shared, compiled=True), diagonal_runs(la, lb, shared, compiled=False))
    assert aligned_runs(la, lb, shared, compiled=True) == aligned_runs(la, lb, shared, compiled=False)


def test_one_changed_word_does_not_split_a_passage() -> None:
    shingles = np.arange(30, dtype=np.uint32)
    edited = shingles.copy()
    edited[10:15] = 1000 + np.arange(5, dtype=np.uint32)  # one word replaced breaks n = 5 shingles
    shared = np.intersect1d(shingles, edited)
    runs = aligned_runs(_located(shingles, 5), _located(edited, 5), shared, compiled=False)
    assert runs == [(0, 29, 0, 29, 25)]


def test_passages_are_exact_raw_spans_in_both_texts() -> None:
    raw = SEED_000.read_text(encoding="utf-8")
    lines = [line for line in raw.splitlines() if len(line.split()) > 8]
    a = Document("a", "\n".join(lines[:6]))
    b = Document("b", "مقدمة لا علاقة لها بالخبر الأصلي.\n" + "\n".join(lines[2:5]) + "\nخاتمة أخرى مختلفة تماما عن النص.")
    hasher = TokenHasher()
    config = Config()
    la, lb = locate(a, config, hasher), locate(b, config, hasher)
    shared = np.intersect1d(la.shingles, lb.shingles)
    found = passages(a, b, shared, config, hasher)
    assert found
    for p in found:
        assert a.text[p.a.start : p.a.end] == p.a_text and b.text[p.b.start : p.b.end] == p.b_text
    assert max(len(p.a_text) for p in found) > len(lines[2])


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5))
def test_compiled_evidence_equals_the_numpy_count(seed: int, n: int) -> None:
    # Random passages over texts of random sentences and quotations: the one-pass kernel counts
    # covered tokens, shared sentences, quoted tokens and slot changes as the numpy code does.
    if not jit.available():
        pytest.skip("numba is not installed: the compiled evidence is not built")
    from dedupe.locate import Marks
    from dedupe.passages import Side, _evidence
    from dedupe.sentences import sentences_of
    from dedupe.slots import _number, _place

    rng = np.random.default_rng(seed)
    # Slots as documents have them: numbers (one a start of another) and places.
    pool = np.array([_number(d) for d in ("5", "50", "30", "23", "1436", "3023")] + [_place(p) for p in ("رياض", "جدة", "نيجر")], dtype=np.uint64)

    def side(count: int) -> Side:
        # Tokens from a small vocabulary: sentences match in other words now and then.
        words = rng.integers(1, 40, count).astype(np.uint64)
        loc = Located(np.zeros(count, np.int32), np.zeros(count, np.int32), np.zeros(count, np.bool_), np.zeros(max(0, count - n + 1), np.uint32), n, words)
        marks = Marks(np.cumsum(rng.random(count) < 0.1).astype(np.int32), rng.random(count) < 0.3, np.zeros(count, np.bool_))
        slots = np.where(rng.random(count) < 0.3, pool[rng.integers(0, len(pool), count)], 0).astype(np.uint64)
        return Side(Document("x", "x"), loc, marks, slots, sentences_of(loc, marks, slots=slots))

    a, b = side(int(rng.integers(1, 120))), side(int(rng.integers(1, 120)))
    k = int(rng.integers(0, 6))
    runs = np.zeros((k, 5), np.int64)
    chain = rng.random() < 0.5  # runs one after the other in both, a few tokens apart: edits of one frame
    for r in range(k):
        for count, col in ((len(a.located.starts), 0), (len(b.located.starts), 2)):
            start = min(count - 1, int(runs[r - 1, col + 1]) + n + int(rng.integers(1, 6))) if chain and r else int(rng.integers(0, count))
            runs[r, col], runs[r, col + 1] = start, min(count - 1, start + int(rng.integers(0, 8 if chain else 30)))
        runs[r, 4] = 2
    runs = runs[np.argsort(runs[:, 0], kind="stable")]
    diagonal = np.concatenate([runs[:, :4], np.ones((k, 1), np.int64), np.arange(k).reshape(k, 1)], axis=1)
    assert _evidence(a, b, diagonal, runs, 0.3, compiled=True) == _evidence(a, b, diagonal, runs, 0.3, compiled=False)


def test_compiled_marks_equal_the_python_pass() -> None:
    # Sentences, quotation marks (nested, straight, unbalanced) and digits of real text: the
    # numba kernel marks every token as the plain-Python pass does.
    if not jit.available():
        pytest.skip("numba is not installed: the compiled marks are not built")
    from dedupe.documents import iter_documents
    from dedupe.locate import marks

    from .conftest import EXAMPLE

    config, hasher = Config(), TokenHasher()
    docs = list(iter_documents([EXAMPLE]))
    docs.append(Document("q", 'قال «إن «حزب الله» لن» يسمح. وقال "نعم" ثم "لا\nسطر ٣٤ و12» بلا فتح «'))
    for doc in docs:
        loc = locate(doc, config, hasher)
        fast, slow = marks(doc, loc, compiled=True), marks(doc, loc, compiled=False)
        assert all(np.array_equal(getattr(fast, f), getattr(slow, f)) for f in ("sentence", "quoted", "numeric")), doc.id
    assert marks(docs[-1], locate(docs[-1], config, hasher)).quoted.any()
