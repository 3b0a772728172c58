"""Verification (dedupe.verify): exact shared counts, the relation rules and the template test of
the one relation function that scan, compare and check share."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import Config
from dedupe._infra import jit
from dedupe.facts import CorpusFacts, NumberFacts
from dedupe.normalize import tokenize
from dedupe.relations import RELATIONS
from dedupe.shingles import TokenHasher
from dedupe.pairs import Scores
from dedupe.verify import relation_codes, relation_of, relations, score, shared_counts

NONE = np.empty(0, dtype=np.uint64)


def rule_of(shared: int, size_a: int, size_b: int, config: Config) -> str | None:
    """The relation rules as the README states them, one pair at a time."""
    s = Scores(shared, size_a, size_b)
    if s.jaccard >= config.duplicate_jaccard:
        return "duplicate"
    if shared < config.min_shared_shingles:
        return None
    low, high = sorted((s.containment_a_in_b, s.containment_b_in_a))
    if s.jaccard >= config.near_duplicate_jaccard and low >= config.near_duplicate_min_containment:
        return "near_duplicate"
    return "partial" if high >= config.partial_containment else None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(0, 400)), min_size=1, max_size=60))
def test_relation_codes_follow_the_rules(triples: list[tuple[int, int, int]]) -> None:
    config = Config()
    rows = [(min(n, a, b), a, b) for n, a, b in triples]
    shared, size_a, size_b = (np.array(col, dtype=np.int64) for col in zip(*rows))
    codes = relation_codes(shared, size_a, size_b, config)
    assert [RELATIONS[c] if c >= 0 else None for c in codes.tolist()] == [rule_of(n, a, b, config) for n, a, b in rows]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.integers(0, 400), max_size=120), min_size=2, max_size=12), st.integers(0, 2**32 - 1))
def test_compiled_shared_counts_equal_exact_scores(sets: list[set[int]], seed: int) -> None:
    if not jit.available():
        pytest.skip("numba is not installed: the compiled merge walk is not built")
    arrays = [np.array(sorted(s), dtype=np.uint32) for s in sets]
    pairs = np.random.default_rng(seed).integers(0, len(arrays), size=(1000, 2)).astype(np.int64)  # 1,000: the compiled path
    assert shared_counts(arrays, pairs).tolist() == [score(arrays[i], arrays[j]).shared for i, j in pairs]


class _NoFacts:
    def facts(self, k: int) -> np.ndarray:
        return NONE

    def vocab(self, k: int) -> np.ndarray:
        return NONE


MONDAY, TUESDAY = 1 << 1, 1 << 2


@pytest.mark.parametrize(
    ("weekdays", "expected"),
    [
        pytest.param((MONDAY, TUESDAY), "template", id="only-other-weekdays"),
        pytest.param((MONDAY, MONDAY | TUESDAY), "near_duplicate", id="a-weekday-in-common"),
        pytest.param((0, TUESDAY), "near_duplicate", id="one-names-no-weekday"),
    ],
)
def test_bulletins_of_other_weekdays_are_templates(weekdays: tuple[int, int], expected: str) -> None:
    assert relation_of(80, (100, 100), weekdays, _NoFacts(), Config()) == expected


def test_close_pairs_are_copies_whatever_their_weekdays() -> None:
    assert relation_of(98, (100, 100), (MONDAY, TUESDAY), _NoFacts(), Config()) == "duplicate"


def _facts_of(*texts: str) -> list[np.ndarray]:
    return [np.unique(TokenHasher()(tokenize(t))) for t in texts]


def test_a_pair_whose_facts_differ_is_a_template() -> None:
    numbers = _facts_of("6 2015", "5 2015 12")
    facts = NumberFacts(numbers, 5000, Config())
    # Fewer than 30 % of the smaller text's facts (three numbers) are in the larger: another event.
    other = _facts_of("7 2014 9")[0]
    assert relation_of(60, (100, 120), (0, 0), NumberFacts([other, numbers[1]], 5000, Config()), Config()) == "template"
    # Two of its three facts are there: a copy.
    assert relation_of(60, (100, 120), (0, 0), NumberFacts([_facts_of("5 2015 13")[0], numbers[1]], 5000, Config()), Config()) == "near_duplicate"
    # Too few facts to judge by: the overlap decides.
    assert relation_of(60, (100, 120), (0, 0), facts, Config()) == "near_duplicate"


def test_the_smaller_document_s_facts_are_looked_for_in_the_larger() -> None:
    both = _facts_of("5 6 7", "1 2 3 4 5 6 7 8 9 10 11")
    config = Config(template_min_corpus=0)
    assert relation_of(60, (100, 120), (0, 0), NumberFacts(both, 1, config), config) == "near_duplicate"
    # The same sizes the other way round: the (now smaller) second document's facts are missing from the first.
    assert relation_of(60, (120, 100), (0, 0), NumberFacts(both, 1, config), config) == "template"


class _Two:
    """Documents i and j of a fact source, as documents 0 and 1."""

    def __init__(self, facts: CorpusFacts, i: int, j: int) -> None:
        self._facts, self._of = facts, (i, j)

    def facts(self, k: int) -> np.ndarray:
        return self._facts.facts(self._of[k])

    def vocab(self, k: int) -> np.ndarray:
        return self._facts.vocab(self._of[k])


def test_relations_of_many_pairs_equal_relation_of_each() -> None:
    rng = np.random.default_rng(5)
    n = 30
    sizes = rng.integers(20, 200, size=n)
    weekdays = rng.choice([0, MONDAY, TUESDAY, MONDAY | TUESDAY], size=n)
    vocab = [np.unique(rng.integers(0, 60, size=12).astype(np.uint64)) for _ in range(n)]
    facts = CorpusFacts.of(vocab, [v[:2] for v in vocab], Config(template_min_corpus=0))
    i, j = rng.integers(0, n, size=200), rng.integers(0, n, size=200)
    shared = np.minimum(rng.integers(0, 200, size=200), np.minimum(sizes[i], sizes[j]))
    codes = relations(shared, i, j, sizes, weekdays, facts, Config(template_min_corpus=0))
    for k in range(200):
        two = _Two(facts, int(i[k]), int(j[k]))
        one = relation_of(int(shared[k]), (int(sizes[i[k]]), int(sizes[j[k]])), (int(weekdays[i[k]]), int(weekdays[j[k]])), two, Config(template_min_corpus=0))
        assert (RELATIONS[codes[k]] if codes[k] >= 0 else "unrelated") == one
    assert {"template", "partial"} <= {RELATIONS[c] for c in codes.tolist() if c >= 0}


def test_verifying_in_small_slices_changes_nothing() -> None:
    """Verification reads candidates a chunk at a time and the template test pairs a slice at a
    time: the verified columns do not depend on the sizes."""
    from dedupe._infra.ragged import Ragged
    from dedupe.candidates import anchor_codes_of_sets, lsh_codes, united_codes
    from dedupe.documents import DEFAULT_FIELDS, iter_documents
    from dedupe.errors import DocumentSkipped
    from dedupe.facts import DocumentFrequency
    from dedupe.prepare import prepare
    from dedupe.signatures import permutations, signatures
    from dedupe.verify import verify_candidates

    from .conftest import EXAMPLE

    config = Config(template_min_corpus=2)
    prepared = []
    for doc in iter_documents([EXAMPLE], fields=DEFAULT_FIELDS):
        try:
            prepared.append(prepare(doc, config))
        except DocumentSkipped:
            continue
    sets = Ragged.of([p.shingles for p in prepared], np.uint32)
    frequency = DocumentFrequency()
    for p in prepared:
        frequency.add(p.vocab)
    facts = CorpusFacts(lambda k: (prepared[k].vocab, prepared[k].numbers), len(prepared), frequency, config)
    cands, _ = united_codes(lsh_codes(signatures(sets, permutations(config.num_perm, config.seed)), config), anchor_codes_of_sets(sets.values, sets.starts, config))
    weekdays = np.array([p.weekdays for p in prepared], dtype=np.int64)
    quiet = lambda *_: None  # noqa: E731
    whole = verify_candidates(cands, sets, config, quiet)
    sliced = verify_candidates(cands, sets, config, quiet, chunk=7)
    assert len(cands) > 7
    for name in ("a", "b", "shared", "size_a", "size_b", "code"):
        assert np.array_equal(getattr(whole, name), getattr(sliced, name)), name
    i, j, shared = whole.a.astype(np.int64), whole.b.astype(np.int64), whole.shared.astype(np.int64)
    codes = relations(shared, i, j, sets.lengths(), weekdays, facts, config)
    assert np.array_equal(codes, relations(shared, i, j, sets.lengths(), weekdays, facts, config, chunk=3))
    assert {RELATIONS[c] for c in codes.tolist() if c >= 0} >= {"template", "partial", "duplicate"}
