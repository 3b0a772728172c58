"""Crash safety of `dedupe index add`, and a live service under concurrent load.

A real `dedupe index add` of thousands of real articles is killed with SIGKILL midway; the
index must then be consistent, hold every article whose batch was acknowledged (a line of
``--format jsonl`` output is written only after the batch's transaction committed), and the
same command run again must resume: acknowledged articles are left as they are, the rest added.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from dedupe import open_index
from dedupe.documents import DEFAULT_FIELDS, iter_documents

from .conftest import DEDUPE, EXAMPLE, SNN, start_service, stop_service

ARTICLES = 3000


def _input_file(tmp_path: Path) -> Path:
    """Thousands of real articles: SaudiNewsNet's first ones when the corpus is beside the
    repository, else the example corpus's articles repeated under new ids."""
    path = tmp_path / "articles.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        if SNN.exists():
            with gzip.open(SNN, "rt", encoding="utf-8") as src:
                for n, line in enumerate(src):
                    if n >= ARTICLES:
                        break
                    out.write(line)
        else:
            docs = list(iter_documents([EXAMPLE], fields=DEFAULT_FIELDS))
            for n in range(ARTICLES):
                d = docs[n % len(docs)]
                out.write(json.dumps({"id": f"{d.id}#{n}", "title": d.title, "text": d.text, "outlet": d.outlet}, ensure_ascii=False) + "\n")
    return path


def _add(index_url: str, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [DEDUPE, "index", "add", str(path), "--index", index_url, "--format", "jsonl", "--batch", "100", "--jobs", "2", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


@pytest.fixture(params=["sqlite", "redis"])
def crash_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'crash.db'}"
    return str(request.getfixturevalue("redis_url"))


def test_kill_9_midway_leaves_a_consistent_index_and_the_add_resumes(tmp_path: Path, crash_url: str) -> None:
    source = _input_file(tmp_path)
    proc = _add(crash_url, source)
    acknowledged: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        event = json.loads(line)
        assert event["event"] == "committed"
        acknowledged += event["added"] + event["replaced"] + event["unchanged"]
        if len(acknowledged) >= 700:
            break
    # SIGKILL the command and its worker processes, mid-batch.
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL

    with open_index(crash_url) as ix:
        assert ix.check_integrity() == []  # type: ignore[attr-defined]
        stored = ix.content_hashes(acknowledged)
        assert set(stored) == set(acknowledged), "every acknowledged article survives the crash"
        held = len(ix)
        assert len(acknowledged) <= held < ARTICLES

    rerun = _add(crash_url, source)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    done = events[-1]
    assert done["event"] == "done"
    assert done["unchanged"] == held, "what the killed run committed is not redone"
    assert done["added"] + done["unchanged"] + done["skipped"] == ARTICLES - done["replaced"]
    with open_index(crash_url) as ix:
        assert ix.check_integrity() == []  # type: ignore[attr-defined]
        assert len(ix) == ARTICLES - done["skipped"]


def test_200_concurrent_checks_against_a_live_service(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    subprocess.run([DEDUPE, "index", "add", str(EXAMPLE), "--index", url, "--quiet"], check=True, capture_output=True)
    docs = list(iter_documents([EXAMPLE], fields=DEFAULT_FIELDS))
    proc, base = start_service(url)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            expected = {d.id: client.post("/v1/check", json={"title": d.title, "text": d.text}).json()["verdict"] for d in docs}

            def one(n: int) -> tuple[str, int, Any]:
                d = docs[n % len(docs)]
                r = client.post("/v1/check", json={"title": d.title, "text": d.text})
                return d.id, r.status_code, r.json()

            with ThreadPoolExecutor(max_workers=50) as pool:
                results = list(pool.map(one, range(200)))
        assert [status for _, status, _ in results] == [200] * 200
        assert all(body["verdict"] == expected[doc_id] for doc_id, _, body in results)
        assert {body["verdict"] for _, _, body in results} >= {"pass", "warn"}
    finally:
        stop_service(proc)


def test_the_service_refuses_a_public_address_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DEDUPE_API_TOKEN"}
    r = subprocess.run(
        [DEDUPE, "serve", "--index", f"sqlite:///{tmp_path / 'x.db'}", "--host", "0.0.0.0", "--port", "1"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert r.returncode == 2 and "DEDUPE_API_TOKEN" in r.stderr
