"""The pre-publish path: build an index of both shared corpora, then time `check`.

Reports, for each backend asked for:

- **add throughput**: articles indexed per second (clean, hash, cite, sign, write), two workers;
- **check latency** p50 / p90 / p99 / max over a sample of corpus articles, as a library call and
  over HTTP to a live `dedupe serve` on 127.0.0.1 (one client, keep-alive), with passages; and the
  ratio of the library check to the baseline that cannot be avoided, preparing the article
  (cleaning, hashing, citations), measured in the same process on the same articles;
- **concurrent throughput**: checks per second with 8 clients.

Each sampled article is checked under a new id, so it meets its own stored copy (a duplicate) and
every other copy in the index: the heaviest ordinary case, with passages to locate.

    python benchmarks/index_bench.py --backend sqlite --backend redis --output benchmarks/results/index.json

Needs ../shared/corpora; the Redis backend needs a redis-server binary (started here on a free port).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
SOURCES = [CORPORA / "saudinewsnet.jsonl.gz", CORPORA / "ant-multisource.jsonl.gz"]
DEDUPE = str(Path(sys.executable).parent / "dedupe")

sys.path.insert(0, str(ROOT))
from dedupe import Policy, check, index_documents, open_index  # noqa: E402
from dedupe.documents import DEFAULT_FIELDS, iter_documents  # noqa: E402
from dedupe.prepare import prepare  # noqa: E402
from dedupe.registry import default_registry  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"p50_ms": at(0.50), "p90_ms": at(0.90), "p99_ms": at(0.99), "max_ms": round(ordered[-1] * 1000, 2), "n": len(ordered)}


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready")


def _redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server not found: run scripts/ensure-debs.sh")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return proc, f"redis://127.0.0.1:{port}/0?prefix=bench"


def bench_backend(url: str, sample: int, jobs: int, limit: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {"url": url.split("?")[0]}
    docs_iter = iter_documents([str(p) for p in SOURCES], fields=DEFAULT_FIELDS)
    if limit:
        import itertools

        docs_iter = itertools.islice(docs_iter, limit)
    docs = list(docs_iter)
    out["articles_read"] = len(docs)
    with open_index(url) as ix:
        clock = time.perf_counter()
        result = index_documents(docs, ix, jobs=jobs, batch=1000)
        seconds = time.perf_counter() - clock
        out["add"] = {
            "seconds": round(seconds, 1), "articles_per_s": round(len(result.added) / seconds, 1),
            "added": len(result.added), "skipped": len(result.skipped), "jobs": jobs,
        }
        stats = ix.stats()
        out["index"] = {"articles": stats.articles, "size_mb": round(stats.size_bytes / 1e6, 1) if stats.size_bytes else None}
        rng = random.Random(7)
        indexed = set(result.added)
        picked = [replace(d, id=f"bench-{d.id}") for d in rng.sample([d for d in docs if d.id in indexed], sample)]
        registry = default_registry()
        policy = Policy()
        # Warm-up: first queries pay for page cache and imports.
        for d in picked[:20]:
            check(d, ix, policy, registry=registry)
        baseline, library, verdicts, matches = [], [], {}, []
        for d in picked:
            clock = time.perf_counter()
            prepare(d, ix.config, None, registry)
            baseline.append(time.perf_counter() - clock)
            clock = time.perf_counter()
            r = check(d, ix, policy, registry=registry)
            library.append(time.perf_counter() - clock)
            verdicts[r.verdict] = verdicts.get(r.verdict, 0) + 1
            matches.append(len(r.matches))
        out["check_library"] = _percentiles(library)
        out["prepare_baseline"] = _percentiles(baseline)
        out["check_over_prepare_median"] = round(statistics.median(library) / statistics.median(baseline), 2)
        out["verdicts"] = verdicts
        out["matches_per_check"] = {"mean": round(statistics.mean(matches), 2), "max": max(matches)}

    port = _free_port()
    server = subprocess.Popen(
        [DEDUPE, "serve", "--index", url, "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(f"{base}/healthz", server)
        bodies = [{"id": d.id, "title": d.title, "text": d.text, "outlet": d.outlet} for d in picked]
        with httpx.Client(base_url=base, timeout=60) as client:
            for b in bodies[:20]:
                client.post("/v1/check", json=b)
            http = []
            for b in bodies:
                clock = time.perf_counter()
                response = client.post("/v1/check", json=b)
                http.append(time.perf_counter() - clock)
                assert response.status_code == 200, response.text
        out["check_http"] = _percentiles(http)

        with httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=8)) as shared:

            def one(b: dict[str, str]) -> int:
                return shared.post("/v1/check", json=b).status_code

            clock = time.perf_counter()
            with ThreadPoolExecutor(max_workers=8) as pool:
                codes = list(pool.map(one, bodies))
            elapsed = time.perf_counter() - clock
        out["check_http_concurrent"] = {"clients": 8, "checks_per_s": round(len(codes) / elapsed, 1), "errors": sum(c != 200 for c in codes)}
    finally:
        server.terminate()
        server.wait(10)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", action="append", choices=["sqlite", "redis"], help="repeatable; default sqlite")
    parser.add_argument("--sample", type=int, default=500, help="articles checked")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="index only the first N articles (a quick run)")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    if not all(p.exists() for p in SOURCES):
        raise SystemExit(f"skipped: the shared corpora are absent ({CORPORA})")
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "date": time.strftime("%Y-%m-%d"),
        "backends": {},
    }
    with tempfile.TemporaryDirectory(prefix="dedupe-bench-") as tmp:
        for backend in args.backend or ["sqlite"]:
            redis_proc = None
            if backend == "redis":
                redis_proc, url = _redis(Path(tmp))
            else:
                url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            try:
                results["backends"][backend] = bench_backend(url, args.sample, args.jobs, args.limit)
            finally:
                if redis_proc is not None:
                    redis_proc.terminate()
                    redis_proc.wait(10)
            print(json.dumps({backend: results["backends"][backend]}, indent=1), file=sys.stderr)
    results["peak_rss_mb_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    text = json.dumps(results, indent=1)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
