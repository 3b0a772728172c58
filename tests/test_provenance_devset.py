"""Quality gate for citation extraction on the labelled articles (needs ../shared/corpora)."""

from __future__ import annotations

import json

import pytest

from .conftest import ANT, ROOT, SNN, needs_corpus
from .provenance_eval import DEVSET, HELDOUT, evaluate

pytestmark = [needs_corpus(SNN), needs_corpus(ANT), pytest.mark.corpus]

FLOORS = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))


def test_dev_set_article_source_f1_holds_its_floor() -> None:
    scores = evaluate(folder=DEVSET)["article_source"]
    assert scores["f1"] >= FLOORS["provenance_dev_f1"], scores
    assert scores["precision"] >= FLOORS["provenance_dev_precision"], scores


def test_held_out_set_article_source_f1_holds_its_floor() -> None:
    if not (HELDOUT / "articles.jsonl").exists() or "provenance_heldout_f1" not in FLOORS:
        pytest.skip("no held-out provenance set yet")
    scores = evaluate(folder=HELDOUT)["article_source"]
    assert scores["f1"] >= FLOORS["provenance_heldout_f1"], scores
