"""Quality gate: scores on the labelled dev set must not fall below the pinned floors."""

from __future__ import annotations

import json

import pytest

from .conftest import ANT, ROOT, SNN, needs_corpus
from .devset_eval import DEVSET, evaluate

pytestmark = [needs_corpus(SNN), needs_corpus(ANT), pytest.mark.corpus]


@pytest.fixture(scope="module")
def scores() -> dict[str, object]:
    if not DEVSET.exists():
        pytest.skip(f"{DEVSET} is absent")
    return evaluate(jobs=0)


def test_dev_set_scores_hold_their_floors(scores: dict[str, object]) -> None:
    floors = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))
    overall = scores["all"]
    assert isinstance(overall, dict)
    measured = {
        "reuse_f1": overall["reuse"]["f1"],
        "reuse_precision": overall["reuse"]["precision"],
        "reuse_recall": overall["reuse"]["recall"],
        "duplicate_f1": overall["duplicate"]["f1"],
        "near_duplicate_f1": overall["near_duplicate"]["f1"],
        "partial_f1": overall["partial"]["f1"],
    }
    below = {k: (v, floors[k]) for k, v in measured.items() if v < floors[k]}
    assert not below, f"below the floor (measured, floor): {below}"


def test_the_random_audit_holds_its_precision_floors(scores: dict[str, object]) -> None:
    """Precision judged on a random sample of what the scan reported (fixtures/devset/audit.jsonl),
    on the whole sample and on its held-out part; and a ceiling on the templates still reported."""
    floors = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))
    below: dict[str, tuple[float, float]] = {}
    above: dict[str, tuple[float, float]] = {}
    for corpus in ("saudinewsnet", "ant"):
        audit = scores[f"audit_{corpus}"]
        assert isinstance(audit, dict)
        for part, key in (("all", f"audit_precision_{corpus}"), ("held", f"audit_precision_{corpus}_held")):
            if audit[part]["precision"] < floors[key]:
                below[key] = (audit[part]["precision"], floors[key])
        kept = audit["all"]["templates_reported"] / max(1, audit["all"]["templates"])
        key = f"audit_templates_reported_max_{corpus}"
        if kept > floors[key]:
            above[key] = (round(kept, 3), floors[key])
    assert not below, f"below the floor (measured, floor): {below}"
    assert not above, f"above the ceiling (measured, ceiling): {above}"


def test_the_fresh_random_audit_holds_its_precision_floors(scores: dict[str, object]) -> None:
    """Precision judged on a second random sample of what the scan reported, drawn later from pairs
    no other file labels (fixtures/devset/audit_fresh.jsonl), on the whole sample and its held-out part."""
    floors = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))
    below: dict[str, tuple[float, float]] = {}
    for corpus in ("saudinewsnet", "ant"):
        audit = scores[f"audit_fresh_{corpus}"]
        assert isinstance(audit, dict) and audit["all"]["sample"] == 200
        for part, key in (("all", f"audit_fresh_precision_{corpus}"), ("held", f"audit_fresh_precision_{corpus}_held")):
            if audit[part]["precision"] < floors[key]:
                below[key] = (audit[part]["precision"], floors[key])
    assert not below, f"below the floor (measured, floor): {below}"


def test_the_sentence_channels_audit_holds_its_precision_floors(scores: dict[str, object]) -> None:
    """Precision judged on random samples of the pairs only the sentence channel reports
    (fixtures/devset/audit_sentences.jsonl, read blind: one sample tuned on, one drawn after)."""
    floors = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))
    below: dict[str, tuple[float, float]] = {}
    for corpus in ("saudinewsnet", "ant"):
        audit = scores[f"audit_sentences_{corpus}"]
        assert isinstance(audit, dict)
        key = f"audit_sentences_precision_{corpus}"
        if audit["all"]["precision"] < floors[key]:
            below[key] = (audit["all"]["precision"], floors[key])
    assert not below, f"below the floor (measured, floor): {below}"


def test_same_story_pairs_hold_their_recall_floors(scores: dict[str, object]) -> None:
    """Recall judged on pairs chosen without the tool (fixtures/devset/same_story.jsonl: same-day
    stories of two outlets, Jaccard below 0.3, read blind): of those read as partial or
    near-duplicate copies, the share the scan reports as reuse, on the whole set and its held-out part."""
    floors = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))
    found = scores["same_story"]
    assert isinstance(found, dict)
    below = {}
    for label in ("partial", "near_duplicate"):
        for part, key in (("all", f"same_story_{label}_recall"), ("held", f"same_story_{label}_recall_held")):
            measured = found[f"all/{part}/{label}"]["recall"]
            if measured < floors[key]:
                below[key] = (measured, floors[key])
    assert not below, f"below the floor (measured, floor): {below}"
