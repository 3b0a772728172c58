"""Scores of the scan against the labelled dev set in fixtures/devset (see its README).

    python -m tests.devset_eval          # prints the table the README quotes
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dedupe import Config, Report, scan

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "fixtures" / "devset" / "pairs.jsonl"
AUDIT = ROOT / "fixtures" / "devset" / "audit.jsonl"
"""A random sample of what a scan reported as reuse, each pair read and labelled blind to its scores."""
AUDIT_FRESH = ROOT / "fixtures" / "devset" / "audit_fresh.jsonl"
"""A second random sample of reported reuse, drawn at 5f33ddf from pairs no other file labels, read blind."""
AUDIT_SENTENCES = ROOT / "fixtures" / "devset" / "audit_sentences.jsonl"
"""Random samples of the pairs only the sentence channel reports, read blind (tuning, then fresh)."""
SAME_STORY = ROOT / "fixtures" / "devset" / "same_story.jsonl"
"""Same-day pairs of two outlets on one story (chosen without the tool), read blind: what a scan misses."""
CORPORA = ROOT.parent / "shared" / "corpora"
FILES = {"saudinewsnet": CORPORA / "saudinewsnet.jsonl.gz", "ant": CORPORA / "ant-multisource.jsonl.gz"}
LABELS = ("duplicate", "near_duplicate", "partial", "template", "unrelated")
REUSE = {"duplicate", "near_duplicate", "partial"}


def load_gold() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]


def predictions(report: Report) -> dict[frozenset[str], str]:
    return {frozenset((p.a, p.b)): p.relation for p in report.pairs}


def score(gold: Iterable[dict[str, Any]], predicted: dict[frozenset[str], str]) -> dict[str, Any]:
    rows = [(g["label"], predicted.get(frozenset((g["a"], g["b"])), "unrelated")) for g in gold]
    out: dict[str, Any] = {"pairs": len(rows), "confusion": {}}
    for label in LABELS:
        tp = sum(1 for g, p in rows if g == label and p == label)
        fp = sum(1 for g, p in rows if g != label and p == label)
        fn = sum(1 for g, p in rows if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"support": tp + fn, "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}
        out["confusion"][label] = dict(Counter(p for g, p in rows if g == label))
    tp = sum(1 for g, p in rows if g in REUSE and p in REUSE)
    fp = sum(1 for g, p in rows if g not in REUSE and p in REUSE)
    fn = sum(1 for g, p in rows if g in REUSE and p not in REUSE)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    out["reuse"] = {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
    }
    return out


def audit_precision(audit: Iterable[dict[str, Any]], predicted: dict[frozenset[str], str]) -> dict[str, Any]:
    """Precision of reported reuse on the audit: of its pairs the scan still reports as reuse,
    the share read as reuse; and of those read as templates, how many are still reported."""
    rows = [(g["label"], predicted.get(frozenset((g["a"], g["b"])), "unrelated"), g.get("split", "dev")) for g in audit]
    out: dict[str, Any] = {}
    for part in ("dev", "held", "all"):
        chosen = [(g, p) for g, p, s in rows if part in ("all", s)]
        reported = [g for g, p in chosen if p in REUSE]
        templates = [p for g, p in chosen if g == "template"]
        out[part] = {
            "sample": len(chosen), "reported": len(reported),
            "precision": round(sum(g in REUSE for g in reported) / len(reported), 3) if reported else 0.0,
            "errors": dict(Counter(g for g in reported if g not in REUSE)),
            "templates_reported": sum(p in REUSE for p in templates), "templates": len(templates),
        }
    return out


def reuse_recall(sample: Iterable[dict[str, Any]], predicted: dict[frozenset[str], str]) -> dict[str, Any]:
    """Of the sample's pairs read as each reuse relation, the share the scan reports as reuse (of
    any strength), per corpus and split (``all``: both corpora)."""
    rows = [(g["corpus"], g.get("split", "dev"), g["label"], predicted.get(frozenset((g["a"], g["b"])), "unrelated")) for g in sample]
    out: dict[str, Any] = {}
    for corpus in ("all", *FILES):
        for part in ("dev", "held", "all"):
            for label in ("near_duplicate", "partial"):
                chosen = [p for c, s, g, p in rows if corpus in ("all", c) and part in ("all", s) and g == label]
                found = sum(p in REUSE for p in chosen)
                out[f"{corpus}/{part}/{label}"] = {"pairs": len(chosen), "found": found, "recall": round(found / len(chosen), 3) if chosen else 0.0}
    return out


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] if path.exists() else []


def evaluate(config: Config | None = None, jobs: int = 1) -> dict[str, Any]:
    gold = load_gold()
    audit, same_story, by_sentences, fresh = _lines(AUDIT), _lines(SAME_STORY), _lines(AUDIT_SENTENCES), _lines(AUDIT_FRESH)
    predicted: dict[frozenset[str], str] = {}
    for corpus, path in FILES.items():
        if any(g["corpus"] == corpus for g in [*gold, *audit, *same_story, *fresh]):
            predicted.update(predictions(scan([path], config, jobs=jobs)))
    result: dict[str, Any] = {"all": score(gold, predicted)}
    for corpus in FILES:
        sample = [g for g in audit if g["corpus"] == corpus]
        if sample:
            result[f"audit_{corpus}"] = audit_precision(sample, predicted)
    for corpus in FILES:
        sample = [g for g in fresh if g["corpus"] == corpus]
        if sample:
            result[f"audit_fresh_{corpus}"] = audit_precision(sample, predicted)
    for corpus in FILES:
        sample = [g for g in by_sentences if g["corpus"] == corpus and g["sample"] in ("tuning", "fresh")]
        if sample:
            result[f"audit_sentences_{corpus}"] = audit_precision(sample, predicted)
    if same_story:
        result["same_story"] = reuse_recall(same_story, predicted)
    for corpus in FILES:
        subset = [g for g in gold if g["corpus"] == corpus]
        if subset:
            result[corpus] = score(subset, predicted)
    return result


if __name__ == "__main__":
    print(json.dumps(evaluate(), indent=1))
