from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SEEDS = FIXTURES / "seeds"
EXAMPLE = FIXTURES / "example"
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SNN = CORPORA / "saudinewsnet.jsonl.gz"
ANT = CORPORA / "ant-multisource.jsonl.gz"

SEED_000 = SEEDS / "000_1d40cc6677096fc7.txt"
SEED_003 = SEEDS / "003_9fd6ca38c3f9c008.txt"


def first_texts(corpus: Path, n: int) -> list[str]:
    """Title and text of the first ``n`` records of a JSON Lines corpus, as one string each."""
    texts = []
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            texts.append((row.get("title") or "") + "\n" + (row.get("text") or ""))
            if len(texts) >= n:
                break
    return texts


def needs_corpus(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not path.exists(), reason=f"{path} is absent: the shared corpora sit beside the repository only in CI and dev machines"
    )


# ------------------------------------------------------------------------- live components

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEDUPE = str(Path(sys.executable).parent / "dedupe")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for(ok: Callable[[], bool], what: str, timeout: float = 20.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode} before it was ready")
        try:
            if ok():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} not ready after {timeout} s")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free loopback port for this test session (started here,
    stopped at the end); yields its URL. Without a redis-server binary the Redis tests skip,
    except under CI, where they fail: `make test` installs it (scripts/ensure-debs.sh)."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (make test installs Debian's redis-server via scripts/ensure-debs.sh)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir), "--daemonize", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def answers() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    try:
        _wait_for(answers, "redis-server", proc=proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """A fresh, empty index location in the session's Redis (its own key prefix)."""
    return f"{redis_server}?prefix=t{uuid.uuid4().hex[:12]}"


def start_service(index_url: str, *, env: dict[str, str] | None = None, extra: list[str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start `dedupe serve` on a free loopback port; return the process and its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [DEDUPE, "serve", "--index", index_url, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", *(extra or [])],
        env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
            return bool(r.status == 200)

    try:
        _wait_for(healthy, "dedupe serve", timeout=30, proc=proc)
    except RuntimeError:
        proc.kill()
        stderr = proc.communicate()[1].decode(errors="replace")
        raise RuntimeError(f"dedupe serve did not start: {stderr[-2000:]}") from None
    return proc, base


def stop_service(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
