"""Benchmarks over the shared corpora: the signature stage beside its baselines, and the whole scan.

Ratios are measured in one process, one after the other, so machine noise cancels out as far as it
can; absolute figures are for orientation only. Each measurement: one warm-up, then the median of
``--repeat`` runs.

    python benchmarks/run.py --output benchmarks/results/latest.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
SNN = CORPORA / "saudinewsnet.jsonl.gz"


def _texts(limit: int) -> list[str]:
    out = []
    with gzip.open(SNN, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if (row.get("text") or "").strip():
                out.append((row.get("title") or "") + "\n" + row["text"])
            if len(out) >= limit:
                break
    return out


def _median_seconds(func: Callable[[], Any], repeat: int) -> float:
    func()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_signatures(texts: list[str], repeat: int) -> dict[str, Any]:
    from datasketch import MinHash

    from dedupe.normalize import tokenize
    from dedupe.shingles import TokenHasher, shingle_set
    from dedupe.signatures import permutations, signatures

    perms = permutations(128, 1)

    def ours() -> None:
        hasher = TokenHasher()
        sets = [shingle_set(hasher(tokenize(t)), 5, 2) for t in texts]
        signatures(sets, perms)

    def shingle_strings(text: str) -> list[bytes]:
        toks = tokenize(text)
        return [" ".join(toks[i : i + 5]).encode("utf-8") for i in range(max(1, len(toks) - 4))]

    def datasketch_update() -> None:
        for t in texts:
            m = MinHash(num_perm=128, seed=1)
            for s in shingle_strings(t):
                m.update(s)

    def datasketch_bulk() -> None:
        MinHash.bulk([shingle_strings(t) for t in texts], num_perm=128, seed=1)

    results: dict[str, Any] = {"documents": len(texts)}
    timings = {"dedupe": _median_seconds(ours, repeat), "datasketch_bulk": _median_seconds(datasketch_bulk, repeat)}
    # The update() loop is slow: time it on a tenth of the documents and scale.
    tenth = texts[: max(1, len(texts) // 10)]
    saved = texts[:]
    texts[:] = tenth
    timings["datasketch_update"] = _median_seconds(datasketch_update, max(1, repeat // 2)) * len(saved) / len(tenth)
    texts[:] = saved
    try:
        from rensa import RMinHash

        def rensa_pipeline() -> None:
            for t in texts:
                m = RMinHash(num_perm=128, seed=1)
                toks = tokenize(t)
                m.update([" ".join(toks[i : i + 5]) for i in range(max(1, len(toks) - 4))])
                m.digest()

        timings["rensa_pipeline"] = _median_seconds(rensa_pipeline, repeat)
    except ImportError:
        results["rensa"] = "not installed (pip install '.[bench]')"
    results["seconds"] = {k: round(v, 4) for k, v in timings.items()}
    results["docs_per_second"] = {k: round(len(texts) / v, 1) for k, v in timings.items()}
    results["speedup_of_dedupe_over"] = {k: round(v / timings["dedupe"], 2) for k, v in timings.items() if k != "dedupe"}
    return results


def bench_scan(repeat: int) -> dict[str, Any]:
    from dedupe import scan

    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    walls = []
    report = None
    for _ in range(repeat):
        start = time.perf_counter()
        report = scan([SNN])
        walls.append(time.perf_counter() - start)
    assert report is not None
    docs = len(report.documents)
    return {
        "documents": docs,
        "wall_seconds_median": round(statistics.median(walls), 2),
        "docs_per_second": round(docs / statistics.median(walls), 1),
        "stage_seconds": {k: round(v, 2) for k, v in report.timings.items() if not k.startswith("candidates_")},
        "peak_rss_mb": round(max(start_rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024, 1),
        "pairs": len(report.pairs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=3000, help="documents for the signature benchmark")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scan-repeat", type=int, default=1)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    if not SNN.exists():
        print(f"skipped: {SNN} is absent (the shared corpora sit beside the repository)", file=sys.stderr)
        return 0
    sys.path.insert(0, str(ROOT))
    texts = _texts(args.docs)
    results = {
        "machine": {"python": platform.python_version(), "cpu_count": __import__("os").cpu_count(), "numpy": np.__version__},
        "signature_stage": bench_signatures(texts, args.repeat),
        "scan_saudinewsnet": bench_scan(args.scan_repeat),
    }
    text = json.dumps(results, indent=1)
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
