"""Citation extraction scored against the labelled articles in fixtures/devset/provenance.

    python -m tests.provenance_eval      # prints the table the README quotes

Micro precision/recall/F1 over (article, source) pairs, and per kind over (article, source, kind).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from dedupe.citations import extract
from dedupe.documents import iter_documents, read_one
from dedupe.models import CITATION_KINDS, Document
from dedupe.registry import Registry, default_registry

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "fixtures" / "devset" / "provenance"
HELDOUT = ROOT / "fixtures" / "devset" / "provenance_heldout"
CORPORA = ROOT.parent / "shared" / "corpora"
FILES = {"saudinewsnet": CORPORA / "saudinewsnet.jsonl.gz", "ant": CORPORA / "ant-multisource.jsonl.gz"}
SEEDS = ROOT / "fixtures" / "seeds"


def load_gold(folder: Path = DEVSET) -> list[dict[str, Any]]:
    rows = []
    for name in ("articles.jsonl", "seeds.jsonl"):
        path = folder / name
        if path.exists():
            rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return rows


def documents(gold: list[dict[str, Any]]) -> dict[str, Document]:
    wanted = {g["id"] for g in gold}
    docs: dict[str, Document] = {}
    for corpus, path in FILES.items():
        if any(g.get("corpus") == corpus for g in gold):
            for doc in iter_documents([path]):
                if doc.id in wanted:
                    docs[doc.id] = doc
    for g in gold:
        if g["id"] not in docs and (SEEDS / g["id"]).exists():
            docs[g["id"]] = read_one(SEEDS / g["id"])
    return docs


def _prf(gold: set[Any], found: set[Any]) -> dict[str, float]:
    tp = len(gold & found)
    p = tp / len(found) if found else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"support": len(gold), "predicted": len(found), "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def evaluate(registry: Registry | None = None, folder: Path = DEVSET) -> dict[str, Any]:
    registry = registry or default_registry()
    gold_rows = load_gold(folder)
    docs = documents(gold_rows)
    gold_pairs: set[tuple[str, str]] = set()
    found_pairs: set[tuple[str, str]] = set()
    gold_kinds: set[tuple[str, str, str]] = set()
    found_kinds: set[tuple[str, str, str]] = set()
    anon = Counter()
    stripped = Counter()
    for g in gold_rows:
        doc = docs[g["id"]]
        prov = extract(doc, registry)
        gold_pairs |= {(g["id"], c["source"]) for c in g["citations"]}
        found_pairs |= {(g["id"], c.source) for c in prov.citations}
        gold_kinds |= {(g["id"], c["source"], c["kind"]) for c in g["citations"]}
        found_kinds |= {(g["id"], c.source, c.kind) for c in prov.citations}
        anon[(bool(g["anonymous"]), bool(prov.anonymous))] += 1
        stripped[(bool(g["stripped_credit"]), prov.stripped_credit)] += 1
    result: dict[str, Any] = {"articles": len(gold_rows), "article_source": _prf(gold_pairs, found_pairs)}
    result["per_kind"] = {
        kind: _prf({x for x in gold_kinds if x[2] == kind}, {x for x in found_kinds if x[2] == kind}) for kind in CITATION_KINDS
    }
    result["anonymous_accuracy"] = round((anon[(True, True)] + anon[(False, False)]) / max(1, sum(anon.values())), 3)
    result["stripped_credit_accuracy"] = round((stripped[(True, True)] + stripped[(False, False)]) / max(1, sum(stripped.values())), 3)
    result["missed"] = sorted(gold_pairs - found_pairs)
    result["spurious"] = sorted(found_pairs - gold_pairs)
    return result


if __name__ == "__main__":
    import sys

    out = evaluate(folder=HELDOUT if "--heldout" in sys.argv else DEVSET)
    print(json.dumps({k: v for k, v in out.items() if k not in ("missed", "spurious")}, indent=1))
    print("missed:", out["missed"])
    print("spurious:", out["spurious"])
