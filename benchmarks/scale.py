"""Scale: scan N documents made by perturbing real corpus articles, and report wall time and
peak memory (target: 1,000,000 documents within 4 GB peak RSS).

Documents are generated on the fly (nothing is written to disk) from both shared corpora. Each
one is a corpus article changed in one of these ways, chosen at random (seeded):

- ``edit`` (35 %): 2–8 % of the words replaced by words of another article, a few deleted;
- ``reorder`` (20 %): its paragraphs in another order, one sentence dropped;
- ``delete`` (20 %): 20–50 % of its sentences removed;
- ``mix`` (25 %): sentences of three articles stitched together (partial copies of each).

So every source article has about N / 62,000 perturbed copies: the scan must find them,
verify them exactly and cluster them, while holding per document only its metadata, findings,
citations and shingle set (raw text, token hashes and verified pairs go to temporary files).
Memory is sampled every half second as the sum of the process tree's PSS (forked workers
share pages with the main process; the RSS sum, which counts them twice, is reported too). A
watchdog stops the run if the tree passes ``--rss-limit-gb``.

    python benchmarks/scale.py --docs 1000000 --output benchmarks/results/scale.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
SOURCES = [CORPORA / "saudinewsnet.jsonl.gz", CORPORA / "ant-multisource.jsonl.gz"]
sys.path.insert(0, str(ROOT))

from dedupe import Config, Document, scan_documents  # noqa: E402
from dedupe.report import write_json  # noqa: E402


def _sources() -> list[tuple[str, str]]:
    out = []
    for path in SOURCES:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                text = (row.get("text") or "").strip()
                if len(text) > 200:
                    out.append((row.get("title") or "", text))
    return out


def _sentences(text: str) -> list[str]:
    out, current = [], []
    for word in text.split(" "):
        current.append(word)
        if word.endswith((".", "؟", "!", "\n")):
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


def generate(n: int, sources: list[tuple[str, str]], seed: int = 7) -> Iterator[Document]:
    rng = random.Random(seed)
    for k in range(n):
        title, text = sources[rng.randrange(len(sources))]
        kind = rng.random()
        if kind < 0.35:
            words = text.split(" ")
            donor = sources[rng.randrange(len(sources))][1].split(" ")
            for _ in range(max(1, int(len(words) * rng.uniform(0.02, 0.08)))):
                words[rng.randrange(len(words))] = donor[rng.randrange(len(donor))]
            for _ in range(rng.randint(0, 3)):
                if len(words) > 20:
                    del words[rng.randrange(len(words))]
            body = " ".join(words)
        elif kind < 0.55:
            paragraphs = text.split("\n")
            rng.shuffle(paragraphs)
            sentences = _sentences("\n".join(paragraphs))
            if len(sentences) > 3:
                del sentences[rng.randrange(len(sentences))]
            body = " ".join(sentences)
        elif kind < 0.75:
            sentences = _sentences(text)
            keep = [s for s in sentences if rng.random() > rng.uniform(0.2, 0.5)] or sentences[:1]
            body = " ".join(keep)
        else:
            parts = []
            for _ in range(3):
                sentences = _sentences(sources[rng.randrange(len(sources))][1])
                start = rng.randrange(len(sentences))
                parts.extend(sentences[start : start + rng.randint(2, 6)])
            body = " ".join(parts)
            title = ""
        yield Document(f"gen-{k:07d}", body, title, outlet=f"outlet-{rng.randrange(40):02d}")


def _tree_memory_mb(field: str = "Pss:") -> float:
    """Memory of this process and its children, now (Linux /proc/PID/smaps_rollup): ``Pss:``
    counts a page shared by n processes (worker processes are forked) as 1/n to each, so the
    sum is what the tree really holds; ``Rss:`` counts it in full in each."""
    pids = [os.getpid()]
    try:
        pids += [int(p) for p in Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()]
    except OSError:
        pass
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _tree_rss_mb() -> float:
    return _tree_memory_mb("Pss:")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--max-passages", type=int, default=Config.max_passages, help="0: no passages (the pairs only)")
    parser.add_argument("--rss-limit-gb", type=float, default=16.0)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument(
        "--report", default=os.devnull,
        help="where the JSON report is streamed (default: nowhere, but it is built and counted: clusters and document "
        "summaries are built as the report is written); '' to skip writing it",
    )
    args = parser.parse_args()
    if not all(p.exists() for p in SOURCES):
        print(f"skipped: the shared corpora are absent ({CORPORA})", file=sys.stderr)
        return 0
    clock = time.perf_counter()
    sources = _sources()
    load_seconds = time.perf_counter() - clock
    peak = {"tree_mb": 0.0, "at_stage": "", "tree_rss_mb": 0.0}
    sources_mb = _tree_memory_mb()
    stage = {"name": "start"}
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.5):
            rss = _tree_rss_mb()
            peak["tree_rss_mb"] = max(peak["tree_rss_mb"], _tree_memory_mb("Rss:"))
            if rss > peak["tree_mb"]:
                peak["tree_mb"], peak["at_stage"] = rss, stage["name"]
            if rss > args.rss_limit_gb * 1024:
                print(f"stopped: the process tree holds {rss:,.0f} MB > {args.rss_limit_gb} GB during {stage['name']}", file=sys.stderr)
                os._exit(3)

    def progress(name: str, done: int, total: int | None) -> None:
        stage["name"] = name
        if name == "read" and done % 50_000 == 0:
            print(f"{name} {done:,} {time.perf_counter() - clock:.0f}s rss {_tree_rss_mb():,.0f} MB", file=sys.stderr, flush=True)

    threading.Thread(target=watch, daemon=True).start()
    clock = time.perf_counter()
    report = scan_documents(generate(args.docs, sources), Config(max_passages=args.max_passages), jobs=args.jobs, progress=progress)
    scan_wall = time.perf_counter() - clock
    write_seconds = None
    if args.report:
        stage["name"] = "write_report"
        clock_write = time.perf_counter()
        with open(args.report, "w", encoding="utf-8") as out:
            write_json(report, out)
        write_seconds = time.perf_counter() - clock_write
    wall = time.perf_counter() - clock
    stop.set()
    assert report.counts is not None  # a scan counts its pairs: they need not be read back
    relations: dict[str, int] = dict(report.counts.relations)
    results: dict[str, Any] = {
        "documents": args.docs,
        "scanned": report.documents.scanned_count(),  # type: ignore[attr-defined]
        "wall_seconds": round(wall, 1),
        "scan_seconds": round(scan_wall, 1),
        "report_write_seconds": None if write_seconds is None else round(write_seconds, 1),
        "report_written_to": args.report or None,
        "docs_per_second": round(args.docs / wall, 1),
        "stage_seconds": {k: round(v, 1) for k, v in report.timings.items() if not k.startswith("candidates_")},
        "candidates": {k[len("candidates_") :]: int(v) for k, v in report.timings.items() if k.startswith("candidates_")},
        "pairs": relations,
        "clusters": len(report.clusters),
        "peak_rss_mb": {
            "process_tree_sampled": round(peak["tree_mb"], 1),
            "process_tree_sampled_is": "sum of PSS (shared pages of forked workers counted once)",
            "process_tree_rss_sum_sampled": round(peak["tree_rss_mb"], 1),
            "at_stage": peak["at_stage"],
            "before_scanning_with_source_articles_loaded": round(sources_mb, 1),
            "main_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        },
        "source_articles_held_mb_note": "the generator holds the source corpora's text in the main process",
        "source_load_seconds": round(load_seconds, 1),
        "max_passages": args.max_passages,
        "target": {"docs": 1_000_000, "peak_rss_gb": 4},
    }
    text = json.dumps(results, indent=1)
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
