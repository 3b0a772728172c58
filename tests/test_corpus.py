"""Behaviour on the real shared corpora (skipped with a reason when ../shared is absent)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pytest

from dedupe import Config, Document, scan_documents
from dedupe.candidates import anchor_candidates, anchors_of, lsh_candidates
from dedupe.documents import iter_documents
from dedupe.errors import DocumentSkipped
from dedupe.models import Report
from dedupe.prepare import prepare
from dedupe.shingles import TokenHasher
from dedupe.signatures import permutations, signatures

from .conftest import FIXTURES, SNN, needs_corpus
from .test_origin import assert_originals_agree_with_links

pytestmark = [needs_corpus(SNN), pytest.mark.corpus]

SPA_DAYS = ("2015-08-10", "2015-08-11")


def _days(days: tuple[str, ...]) -> Iterator[Document]:
    for doc in iter_documents([SNN]):
        if doc.date is not None and doc.date.date().isoformat() in days:
            yield doc


@pytest.fixture(scope="module")
def spa_days_report() -> Report:
    return scan_documents(_days(SPA_DAYS))


def test_lsh_recall_against_brute_force_on_one_day() -> None:
    """Every pair with exact Jaccard >= 0.5 on 2015-08-10, found by brute force, must be an LSH candidate (>= 95 %)."""
    scipy_sparse = pytest.importorskip("scipy.sparse")
    config = Config()
    hasher = TokenHasher()
    sets = []
    for doc in _days(("2015-08-10",)):
        try:
            sets.append(prepare(doc, config, hasher).shingles)
        except DocumentSkipped:
            continue
    n = len(sets)
    assert n > 1500
    # Exact intersections of all pairs at once: a sparse document × shingle matrix times its transpose.
    vocab, cols = np.unique(np.concatenate(sets), return_inverse=True)
    rows = np.repeat(np.arange(n), [len(s) for s in sets])
    matrix = scipy_sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(n, len(vocab)))
    inter = scipy_sparse.triu(matrix @ matrix.T, k=1).tocoo()
    sizes = np.array([len(s) for s in sets])
    jaccard = inter.data / (sizes[inter.row] + sizes[inter.col] - inter.data)
    truth = {(int(i), int(j)) for i, j, jac in zip(inter.row, inter.col, jaccard) if jac >= 0.5}
    assert len(truth) > 300

    sigs = signatures(sets, permutations(config.num_perm, config.seed))
    lsh = {(int(i), int(j)) for i, j in lsh_candidates(sigs, config)}
    recall = len(truth & lsh) / len(truth)
    assert recall >= 0.95, f"LSH recall {recall:.3f} on {len(truth)} pairs"
    anchors = {(int(i), int(j)) for i, j in anchor_candidates([anchors_of(s, config.anchor_modulus) for s in sets], config)}
    assert len(truth & (lsh | anchors)) / len(truth) >= recall


def test_spa_items_are_found_in_newspaper_copies(spa_days_report: Report) -> None:
    outlets = {d.id: d.outlet for d in spa_days_report.documents}
    copies: dict[str, set[str]] = {}
    for p in spa_days_report.pairs:
        if p.relation == "template" or (outlets[p.a] == "was") == (outlets[p.b] == "was"):
            continue
        spa, paper = (p.a, p.b) if outlets[p.a] == "was" else (p.b, p.a)
        copies.setdefault(paper, set()).add(spa)
    # Several hundred newspaper articles of these two days copy SPA items (corpus README).
    assert len(copies) >= 250
    assert len({s for spas in copies.values() for s in spas}) >= 150


def test_spa_copies_of_the_labelled_dev_set_are_found(spa_days_report: Report) -> None:
    path = FIXTURES / "devset" / "spa_copies.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not present")
    gold = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = {frozenset((p.a, p.b)): p.relation for p in spa_days_report.pairs}
    hits = [g for g in gold if found.get(frozenset((g["spa_id"], g["paper_id"]))) in ("duplicate", "near_duplicate", "partial")]
    recall = len(hits) / len(gold)
    assert recall >= 0.9, f"found {len(hits)} of {len(gold)} labelled SPA copies"


def test_clusters_have_an_original_and_verified_edges(spa_days_report: Report) -> None:
    pair_set = {frozenset((p.a, p.b)) for p in spa_days_report.pairs if p.relation in ("duplicate", "near_duplicate")}
    for cluster in spa_days_report.clusters:
        assert cluster.original == cluster.members[0].id
        for member in cluster.members:
            assert member.edges, member.id
            for edge in member.edges:
                assert frozenset((member.id, edge.other)) in pair_set
        edges = sum(len(m.edges) for m in cluster.members) // 2
        assert len(cluster.members) - 1 <= edges  # connected through verified pairs only
        assert cluster.density == pytest.approx(edges / (len(cluster.members) * (len(cluster.members) - 1) / 2))
        # The original is the SPA item when the cluster holds one, else the earliest member.
        wire = [m for m in cluster.members if m.outlet == "was"]
        first = wire or [m for m in cluster.members if m.date is not None] or list(cluster.members)
        if cluster.members[0].date is not None:
            assert cluster.members[0].date == min(m.date for m in first if m.date is not None)
        assert (cluster.members[0].outlet == "was") == bool(wire)
    assert_originals_agree_with_links(spa_days_report)
