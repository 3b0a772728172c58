"""The benchmark suite: every stage of a scan on real articles, with its baselines beside it.

Each measurement is one warm-up run, then the median of ``--repeat`` runs; every figure that
matters is a **ratio** between two things measured in this same process one after the other,
so machine noise cancels out as far as it can. Absolute figures are for orientation.

Stages (SaudiNewsNet articles from ``../shared/corpora``, ``--docs`` of them, one core):

- normalize: ``dedupe.normalize`` per text;
- tokenize + shingle hash: per text (``tokenize`` → ``TokenHasher`` → ``shingle_set``) and in
  one batch (``text_token_hashes``);
- signatures on prebuilt shingles: compiled kernel, numpy, datasketch ``MinHash.bulk``;
- **signature stage, raw text → signature**: dedupe (compiled; and numpy only) against the
  datasketch ``update()`` loop, datasketch ``bulk`` and the rensa pipeline (Python tokenize +
  join + ``RMinHash``); targets ≥ 4× rensa and ≥ 100× ``update()``;
- LSH build + query over all SaudiNewsNet signatures: vectorised banding against datasketch
  ``MinHashLSH`` (same pairs, checked);
- exact verification of the candidate pairs; clustering of the verified pairs;
- provenance: citation extraction per article;
- the whole ``dedupe scan`` of SaudiNewsNet (2 workers), wall time and peak RSS (target ≤ 10 s).

    python benchmarks/run.py --output benchmarks/results/latest.json     (make bench)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
SNN = CORPORA / "saudinewsnet.jsonl.gz"
sys.path.insert(0, str(ROOT))


def _texts(limit: int | None) -> list[str]:
    out = []
    with gzip.open(SNN, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if (row.get("text") or "").strip():
                out.append((row.get("title") or "") + "\n" + row["text"])
            if limit is not None and len(out) >= limit:
                break
    return out


def _median_seconds(func: Callable[[], Any], repeat: int) -> float:
    func()  # warm-up: caches, compiled kernels, page cache
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _rate(items: int, seconds: float) -> float:
    return round(items / seconds, 1) if seconds > 0 else float("inf")


def bench_stages(texts: list[str], repeat: int) -> dict[str, Any]:
    from datasketch import MinHash

    from dedupe._infra import jit
    from dedupe.normalize import normalize, tokenize
    from dedupe.shingles import TokenHasher, shingle_set, text_token_hashes
    from dedupe.signatures import permutations, signatures, signatures_numpy, text_signatures

    n = len(texts)
    perms = permutations(128, 1)
    out: dict[str, Any] = {"documents": n, "compiled_kernels": jit.available()}
    rows: dict[str, float] = {}

    rows["normalize (per text)"] = _median_seconds(lambda: [normalize(t) for t in texts], repeat)

    def per_text_shingles() -> list[Any]:
        hasher = TokenHasher()
        return [shingle_set(hasher(tokenize(t)), 5, 2) for t in texts]

    rows["tokenize + shingle hash (per text)"] = _median_seconds(per_text_shingles, repeat)
    rows["tokenize + token hash (batch, compiled)"] = _median_seconds(lambda: text_token_hashes(texts, compiled=True), repeat) if jit.available() else float("nan")
    rows["tokenize + token hash (batch, numpy)"] = _median_seconds(lambda: text_token_hashes(texts, compiled=False), repeat)

    sets = per_text_shingles()
    shingle_bytes = [[v.tobytes() for v in s] for s in sets]
    rows["signatures of prebuilt shingles (compiled)"] = _median_seconds(lambda: signatures(sets, perms), repeat)
    rows["signatures of prebuilt shingles (numpy)"] = _median_seconds(lambda: signatures_numpy(sets, perms), repeat)
    rows["signatures of prebuilt shingles (datasketch bulk)"] = _median_seconds(lambda: MinHash.bulk(shingle_bytes, num_perm=128, seed=1), repeat)
    out["stage_docs_per_second"] = {k: _rate(n, v) for k, v in rows.items()}

    # The signature stage, raw text → signature, against its baselines.
    def shingle_strings(text: str) -> list[bytes]:
        toks = tokenize(text)
        return [" ".join(toks[i : i + 5]).encode("utf-8") for i in range(max(1, len(toks) - 4))]

    def datasketch_update(part: list[str]) -> None:
        for t in part:
            m = MinHash(num_perm=128, seed=1)
            for s in shingle_strings(t):
                m.update(s)

    stage: dict[str, float] = {}
    stage["dedupe (compiled)"] = _median_seconds(lambda: text_signatures(texts, perms), repeat)
    stage["dedupe (numpy only)"] = _median_seconds(lambda: _numpy_text_signatures(texts, perms), repeat)
    stage["datasketch bulk"] = _median_seconds(lambda: MinHash.bulk([shingle_strings(t) for t in texts], num_perm=128, seed=1), repeat)
    tenth = texts[: max(1, n // 10)]  # the update() loop is slow: a tenth, scaled
    stage["datasketch update() loop"] = _median_seconds(lambda: datasketch_update(tenth), max(1, repeat // 2)) * n / len(tenth)
    try:
        from rensa import RMinHash

        def rensa_pipeline() -> None:
            for t in texts:
                m = RMinHash(num_perm=128, seed=1)
                toks = tokenize(t)
                m.update([" ".join(toks[i : i + 5]) for i in range(max(1, len(toks) - 4))])
                m.digest()

        stage["rensa pipeline"] = _median_seconds(rensa_pipeline, repeat)
    except ImportError:
        out["rensa"] = "not installed (pip install '.[bench]')"
    ours = stage["dedupe (compiled)"]
    out["signature_stage"] = {
        "docs_per_second": {k: _rate(n, v) for k, v in stage.items()},
        "dedupe_speedup_over": {k: round(v / ours, 2) for k, v in stage.items() if k != "dedupe (compiled)"},
        "targets": {"rensa pipeline": 4.0, "datasketch update() loop": 100.0},
    }
    return out


def _numpy_text_signatures(texts: list[str], perms: Any) -> Any:
    """``text_signatures`` with the compiled kernels switched off (the fallback's speed)."""
    from dedupe._infra import jit
    from dedupe.signatures import text_signatures

    saved = jit.MIN_WORK
    jit.MIN_WORK = 1 << 62
    try:
        return text_signatures(texts, perms)
    finally:
        jit.MIN_WORK = saved


def bench_corpus_stages(repeat: int) -> dict[str, Any]:
    """LSH, verification, clustering and provenance over the whole of SaudiNewsNet."""
    from dedupe import Config
    from dedupe.candidates import anchor_candidates, anchors_of, lsh_candidates, lsh_candidates_datasketch
    from dedupe.documents import DEFAULT_FIELDS, iter_documents
    from dedupe.errors import DocumentSkipped
    from dedupe.prepare import prepare
    from dedupe.citations import extract
    from dedupe.registry import default_registry
    from dedupe.signatures import permutations, signatures
    from dedupe.verify import relation_codes, score, shared_counts

    config = Config()
    docs = list(iter_documents([str(SNN)], fields=DEFAULT_FIELDS))
    registry = default_registry()
    prepared, prepared_docs = [], []
    for d in docs:
        try:
            prepared.append(prepare(d, config, registry=registry))  # with citations, for the copy links below
        except DocumentSkipped:
            continue
        prepared_docs.append(d)
    sets = [p.shingles for p in prepared]
    sigs = signatures(sets, permutations(config.num_perm, config.seed))
    out: dict[str, Any] = {"documents": len(sets)}
    ours = _median_seconds(lambda: lsh_candidates(sigs, config), repeat)
    reference = _median_seconds(lambda: lsh_candidates_datasketch(sigs, config), max(1, repeat // 2))
    same = bool(np.array_equal(lsh_candidates(sigs, config), lsh_candidates_datasketch(sigs, config)))
    out["lsh_build_and_query"] = {
        "vectorised_seconds": round(ours, 3), "datasketch_MinHashLSH_seconds": round(reference, 3),
        "speedup": round(reference / ours, 1), "same_pairs": same,
    }
    anchors = [anchors_of(s, config.anchor_modulus) for s in sets]
    out["anchors_seconds"] = round(_median_seconds(lambda: anchor_candidates(anchors, config), repeat), 3)
    pairs = np.unique(np.concatenate([lsh_candidates(sigs, config), anchor_candidates(anchors, config)]), axis=0)

    def verify() -> list[tuple[int, int, Any, int]]:
        found = []
        for i, j in pairs:
            s = score(sets[i], sets[j])
            code = int(relation_codes(np.array([s.shared]), np.array([s.size_a]), np.array([s.size_b]), config)[0])
            if code >= 0:
                found.append((int(i), int(j), s, code))
        return found

    def verify_batch() -> Any:
        shared = shared_counts(sets, pairs)
        return relation_codes(shared, sizes[pairs[:, 0]], sizes[pairs[:, 1]], config)

    sizes = np.array([len(x) for x in sets], dtype=np.int64)
    seconds = _median_seconds(verify, repeat)
    batch_seconds = _median_seconds(verify_batch, repeat)
    verified = verify()
    same = int((verify_batch() >= 0).sum()) == len(verified)
    out["verification"] = {
        "candidate_pairs": len(pairs), "pairs_per_second": _rate(len(pairs), batch_seconds),
        "pair_at_a_time_pairs_per_second": _rate(len(pairs), seconds), "speedup": round(seconds / batch_seconds, 1),
        "verified": len(verified), "same_verified_count": same,
    }
    from dedupe.clusters import cluster_table
    from dedupe.links import link_table
    from dedupe.models import Document, Provenance
    from dedupe._infra.dates import date_keys
    from dedupe.origin import OriginKeys, directions
    from dedupe.provenance import article_info
    from dedupe.pairs import PairColumns, report_order

    # The verified pairs as a scan holds them (columns).
    columns = PairColumns(*(np.array(c, dtype=np.int32) for c in (
        [k[0] for k in verified], [k[1] for k in verified], [k[2].shared for k in verified], [k[2].size_a for k in verified],
        [k[2].size_b for k in verified],
    )), np.array([k[3] for k in verified], dtype=np.int8))
    metas = [Document(f"{k:06d}", "", date=d.date, outlet=d.outlet) for k, d in enumerate(prepared_docs)]
    infos = [article_info(p.provenance or Provenance(), d.outlet, d.date, registry) for p, d in zip(prepared, prepared_docs)]
    not_agency = np.array([0 if i.outlet_type == "agency" else 1 for i in infos], dtype=np.int8)
    keys = OriginKeys(not_agency, date_keys([d.date for d in metas]), np.arange(len(metas), dtype=np.int64))  # ids sort as positions
    order = report_order(columns, keys.rank)
    directed = directions(columns, keys)
    seconds = _median_seconds(lambda: list(cluster_table(columns, order, metas, keys, directed, config.cluster_min_linkage)), repeat)
    out["clustering"] = {"pairs": len(columns), "seconds": round(seconds, 3)}

    def links_of_tables() -> list[Any]:
        table = link_table(columns, metas, keys, directed, infos.__getitem__)
        return [list(table.of(k)) for k in range(len(metas)) if table.count(k)]

    out["copy_links"] = {"pairs": len(columns), "seconds": round(_median_seconds(links_of_tables, repeat), 3)}
    sample = docs[:3000]
    # Citation finding alone (the scan gets the stripped-credit flag from its own cleaning).
    seconds = _median_seconds(lambda: [extract(d, registry, stripped_credit=False) for d in sample], repeat)
    out["provenance_extract"] = {"docs_per_second": _rate(len(sample), seconds)}
    return out


def bench_scan(repeat: int) -> dict[str, Any]:
    """The whole scan, in a fresh process each time (so its peak RSS is its own)."""
    code = (
        "import json, resource, sys, time\n"
        "from dedupe import scan\n"
        "t = time.perf_counter(); r = scan([sys.argv[1]], jobs=2); wall = time.perf_counter() - t\n"
        # VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a child started by this
        # (large) process would report the parent's size.
        "hwm = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
        "print(json.dumps({'wall': wall, 'documents': len(r.documents), 'pairs': len(r.pairs),"
        " 'timings': r.timings, 'rss_mb': (hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024,"
        " 'children_rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    )
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", code, str(SNN)], capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["wall"])
    return {
        "documents": best["documents"],
        "wall_seconds": [round(r["wall"], 1) for r in runs],
        "wall_seconds_best": round(best["wall"], 1),
        "target_seconds": 10,
        "stage_seconds": {k: round(v, 2) for k, v in best["timings"].items() if not k.startswith("candidates_")},
        "peak_rss_mb": round(best["rss_mb"], 1),
        "worker_peak_rss_mb": round(best["children_rss_mb"], 1),
        "pairs": best["pairs"],
    }


def table(results: dict[str, Any]) -> str:
    """The Markdown table the README shows."""
    lines = ["| measurement | result |", "|---|---|"]
    st = results["stages"]["signature_stage"]
    for name, rate in st["docs_per_second"].items():
        ratio = st["dedupe_speedup_over"].get(name)
        target = st["targets"].get(name)
        suffix = f" — dedupe is **{ratio}×** faster" + (f" (target ≥ {target}×)" if target else "") if ratio else ""
        lines.append(f"| signature stage, raw text → signature: {name} | {rate:,.0f} docs/s{suffix} |")
    for name, rate in results["stages"]["stage_docs_per_second"].items():
        lines.append(f"| {name} | {rate:,.0f} docs/s |")
    c = results["corpus_stages"]
    lsh = c["lsh_build_and_query"]
    lines.append(f"| LSH build + query, {c['documents']:,} signatures | {lsh['vectorised_seconds']} s vectorised vs {lsh['datasketch_MinHashLSH_seconds']} s MinHashLSH (**{lsh['speedup']}×**, same pairs: {lsh['same_pairs']}) |")
    lines.append(f"| anchor candidates | {c['anchors_seconds']} s |")
    v = c["verification"]
    lines.append(
        f"| exact verification (batch: compiled merge walk + vectorised relations) | {v['pairs_per_second']:,.0f} candidate pairs/s "
        f"({v['candidate_pairs']:,} pairs, {v['verified']:,} verified); pair at a time {v['pair_at_a_time_pairs_per_second']:,.0f}/s "
        f"(**{v['speedup']}×**, same count: {v['same_verified_count']}) |"
    )
    for key, label in (("clustering", "clustering (every cluster built)"), ("copy_links", "copy links (every link built)")):
        lines.append(f"| {label} | {c[key]['seconds']} s for {c[key]['pairs']:,} pairs |")
    lines.append(f"| provenance (citation extraction) | {c['provenance_extract']['docs_per_second']:,.0f} docs/s |")
    s = results["scan_saudinewsnet"]
    lines.append(f"| whole `dedupe scan` of SaudiNewsNet ({s['documents']:,} articles, 2 workers) | {s['wall_seconds_best']} s wall (target ≤ {s['target_seconds']} s), peak RSS {s['peak_rss_mb']:,.0f} MB |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3000, help="articles for the per-article stages")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scan-repeat", type=int, default=2)
    parser.add_argument("--skip-scan", action="store_true")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    if not SNN.exists():
        print(f"skipped: {SNN} is absent (the shared corpora sit beside the repository)", file=sys.stderr)
        return 0
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(), "numpy": np.__version__, "platform": platform.platform()},
        "date": time.strftime("%Y-%m-%d"),
        "stages": bench_stages(_texts(args.docs), args.repeat),
        "corpus_stages": bench_corpus_stages(max(1, args.repeat // 2)),
    }
    if not args.skip_scan:
        results["scan_saudinewsnet"] = bench_scan(args.scan_repeat)
    results["peak_rss_mb_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    text = json.dumps(results, indent=1, ensure_ascii=False)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    if "scan_saudinewsnet" in results:
        print(table(results))
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
