"""The plain-HTTP CMS client (integrations/wagtail/dedupe_wagtail/client.py, standard library
only) against a live `dedupe serve`, loaded from its file as another CMS would copy it.

Two real services on loopback ports, each over its own SQLite index built from
fixtures/example with the `dedupe index add` CLI: one open, one with DEDUPE_API_TOKEN. Nothing
is mocked: the failure cases use a free port with nothing listening and a socket that accepts
connections but never answers.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import (
    DEDUPE,
    EXAMPLE,
    FIXTURES,
    ROOT,
    SEED_000,
    free_port,
    start_service,
    stop_service,
)

CLIENT_PATH = ROOT / "integrations" / "wagtail" / "dedupe_wagtail" / "client.py"
TOKEN = "s3cret-for-tests"
SEED_ID = "000_1d40cc6677096fc7.txt"


def _load_client() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dedupe_client", CLIENT_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


dc = _load_client()


def _build_index(path: Path) -> str:
    url = f"sqlite:///{path}"
    done = subprocess.run([DEDUPE, "index", "add", str(EXAMPLE), "--index", url], check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "45 added" in done.stdout + done.stderr
    return url


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An open `dedupe serve` (no token) over the example index; yields its base URL."""
    url = _build_index(tmp_path_factory.mktemp("open") / "news.db")
    proc, base = start_service(url, env={"DEDUPE_API_TOKEN": ""})
    try:
        yield base
    finally:
        stop_service(proc)


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `dedupe serve` that requires `Authorization: Bearer TOKEN`; yields its base URL."""
    url = _build_index(tmp_path_factory.mktemp("secured") / "news.db")
    proc, base = start_service(url, env={"DEDUPE_API_TOKEN": TOKEN})
    try:
        yield base
    finally:
        stop_service(proc)


def _seed_article() -> dict[str, Any]:
    """The seed as a CMS would send it: first line the title, the rest the text."""
    title, _, text = SEED_000.read_text(encoding="utf-8").partition("\n")
    return {"title": title, "text": text}


def _example_record(article_id: str) -> dict[str, Any]:
    for line in (EXAMPLE / "saudinewsnet-2015-08-10-excerpt.jsonl").read_text(encoding="utf-8").splitlines():
        record: dict[str, Any] = json.loads(line)
        if record["id"] == article_id:
            return record
    raise LookupError(article_id)


def _unrelated_record() -> dict[str, Any]:
    """A short real Al Riyadh item of 2015-07-21 (fixtures/inputs), unrelated to the index."""
    record: dict[str, Any] = json.loads((FIXTURES / "inputs" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert record["id"] == "snn-2015-07-21-1394"
    return record


def _bbc_article() -> dict[str, Any]:
    """A real BBC Arabic excerpt (ANT corpus) that the example index does not hold."""
    title, _, text = (FIXTURES / "inputs" / "corpus" / "ant" / "BB-internationalNews-134-20180312.txt").read_text(encoding="utf-8").partition("\n")
    return {"title": title, "text": text}


# --------------------------------------------------------------------------- verdicts


def test_the_scraped_seed_warns_with_its_copies_and_the_shared_passages(service: str) -> None:
    article = _seed_article()
    d = dc.check_article(service, article)
    assert d.verdict == "warn" and d.warns and not d.blocks and not d.failed
    assert d.error is None and d.status == 200
    by_id = {m.id: m for m in d.matches}
    assert {SEED_ID, "000_variant_spelling.txt", "000_reworded_copy.txt"} <= set(by_id)
    assert by_id[SEED_ID].relation == "duplicate" and by_id[SEED_ID].jaccard == 1.0
    assert by_id["000_reworded_copy.txt"].relation == "near_duplicate"
    assert not by_id[SEED_ID].same_outlet and not by_id[SEED_ID].credited
    assert SEED_ID in d.uncredited
    assert "uncredited_copy" in d.rules and "scraper_markers" in d.rules and "stripped_credit" in d.rules
    assert len(d.messages) == len(d.rules) and any(SEED_ID in m for m in d.messages)
    # The passages are the checked article's own text, and their spans point at it.
    assert by_id[SEED_ID].passages and all(p in article["text"] for p in by_id[SEED_ID].passages)
    raw_match = next(m for m in d.raw["matches"] if m["id"] == SEED_ID)
    for passage in raw_match["passages"]:
        span = passage["a"]
        assert span["field"] == "text"
        assert article["text"][span["start"] : span["end"]] == passage["a_text"]
    assert d.summary(limit=2).endswith(f"and {len(d.messages) - 2} more")


def test_passages_can_be_left_out(service: str) -> None:
    d = dc.check_article(service, _seed_article(), passages=False)
    assert d.verdict == "warn" and d.matches
    assert all(m.passages == () for m in d.matches)


def test_an_article_of_the_index_sent_again_by_its_outlet_under_a_new_id_is_blocked(service: str) -> None:
    record = _example_record("snn-2015-08-10-0097")
    article = {"id": "aawsat-draft-1", "title": record["title"], "text": record["text"], "date": record["date"]}
    d = dc.check_article(service, article, outlet="aawsat")
    assert d.verdict == "block" and d.blocks and not d.failed
    assert "own_duplicate" in d.rules
    top = d.matches[0]
    assert top.id == "snn-2015-08-10-0097" and top.relation == "duplicate" and top.same_outlet
    # The article's own outlet works as well as the query's.
    assert dc.check_article(service, {**article, "outlet": "aawsat"}).blocks
    # Republished under its own id, it is not matched against itself.
    again = dc.check_article(service, {**article, "id": "snn-2015-08-10-0097"}, outlet="aawsat")
    assert not again.blocks and all(m.id != "snn-2015-08-10-0097" for m in again.matches)


def test_an_unrelated_short_real_article_passes(service: str) -> None:
    record = _unrelated_record()
    d = dc.check_article(service, record, outlet="alriyadh", fail_closed=True)
    assert d.verdict == "pass" and d.passes and not d.failed
    assert d.matches == () and d.messages == () and d.error is None
    assert d.summary() == "no reuse found"
    assert d.raw["provenance"]["outlet_source"] == "alriyadh"


def test_a_text_too_short_to_compare_passes_with_a_message_even_fail_closed(service: str) -> None:
    d = dc.check_article(service, {"title": "عاجل", "text": "انفجار في العاصمة"}, fail_closed=True)
    assert d.verdict == "pass" and not d.failed
    assert d.error == "nothing_to_check" and d.status == 422
    assert d.rules == ("nothing_to_check",) and "too short" in d.messages[0]


# --------------------------------------------------------------------------- failure policy


def test_an_error_answer_follows_the_failure_policy(service: str) -> None:
    missing_text = {"title": "بلا نص"}
    d = dc.check_article(service, missing_text)
    assert d.verdict == "warn" and d.failed and d.error == "invalid_article" and d.status == 422
    assert "could not run" in d.messages[0] and d.raw["error"]["code"] == "invalid_article"
    assert dc.check_article(service, missing_text, fail_closed=True).verdict == "block"
    # A wrong base URL: the service answers its JSON 404.
    d = dc.check_article(service + "/wrong-prefix", _seed_article())
    assert d.verdict == "warn" and d.error == "not_found" and d.status == 404


def test_without_the_right_token_the_check_fails_open_or_closed(secured: str) -> None:
    article = _seed_article()
    for token in (None, "wrong-token"):
        d = dc.check_article(secured, article, token=token)
        assert d.verdict == "warn" and d.failed and d.error == "unauthorized" and d.status == 401
        assert d.matches == () and "could not run" in d.messages[0]
        closed = dc.check_article(secured, article, token=token, fail_closed=True)
        assert closed.verdict == "block" and closed.blocks and closed.error == "unauthorized"
    d = dc.check_article(secured, article, token=TOKEN, fail_closed=True)
    assert d.verdict == "warn" and not d.failed and d.status == 200
    assert SEED_ID in {m.id for m in d.matches}
    assert not dc.index_article(secured, "x-1", _bbc_article(), token="wrong-token").ok


def test_an_unreachable_service_fails_open_or_closed_quickly() -> None:
    base = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    d = dc.check_article(base, _seed_article(), timeout=0.5)
    closed = dc.check_article(base, _seed_article(), timeout=0.5, fail_closed=True)
    assert time.monotonic() - started < 3
    assert d.verdict == "warn" and d.failed and d.error == "unreachable" and d.status is None and d.raw == {}
    assert closed.verdict == "block" and closed.error == "unreachable"
    indexed = dc.index_article(base, "x-1", _bbc_article(), timeout=0.5)
    assert not indexed.ok and indexed.error == "unreachable"


def test_a_service_that_never_answers_times_out() -> None:
    with socket.socket() as listener:  # accepts connections (the kernel does) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        base = f"http://127.0.0.1:{listener.getsockname()[1]}"
        started = time.monotonic()
        d = dc.check_article(base, _seed_article(), timeout=0.5)
        closed = dc.check_article(base, _seed_article(), timeout=0.5, fail_closed=True)
        elapsed = time.monotonic() - started
    assert d.verdict == "warn" and d.error == "timeout" and "0.5 s" in d.messages[0]
    assert closed.verdict == "block" and closed.error == "timeout"
    assert elapsed < 4


# --------------------------------------------------------------------------- indexing


def test_an_indexed_article_is_found_by_the_next_check(service: str) -> None:
    article = _bbc_article()
    assert dc.check_article(service, article, outlet="bbc").verdict == "pass"
    first = dc.index_article(service, "wagtail-page-42", {**article, "id": "ignored"}, outlet="bbc")
    assert first.ok and first.status == "added" and first.http_status == 201 and first.id == "wagtail-page-42"
    again = dc.index_article(service, "wagtail-page-42", article, outlet="bbc")
    assert again.ok and again.status == "unchanged" and again.http_status == 200
    with urllib.request.urlopen(f"{service}/v1/articles/wagtail-page-42?text=false", timeout=5) as r:
        stored = json.load(r)
    assert stored["outlet"] == "bbc" and stored["title"] == article["title"]

    # The same outlet publishing it again under another id: its own duplicate.
    d = dc.check_article(service, article, outlet="bbc")
    assert d.blocks and "own_duplicate" in d.rules and d.matches[0].id == "wagtail-page-42"
    # Another outlet copying it: a warning naming the match.
    d = dc.check_article(service, article, outlet="alyaum")
    assert d.warns and "uncredited_copy" in d.rules and "wagtail-page-42" in d.uncredited
    # The page itself, republished under its id: not compared with itself.
    d = dc.check_article(service, {**article, "id": "wagtail-page-42"}, outlet="bbc")
    assert d.verdict == "pass" and d.matches == ()

    req = urllib.request.Request(f"{service}/v1/articles/wagtail-page-42", method="DELETE")
    with urllib.request.urlopen(req, timeout=5) as r:
        assert json.load(r) == {"id": "wagtail-page-42", "deleted": True}


def test_index_article_reports_what_the_service_refuses(service: str) -> None:
    missing = dc.index_article(service, "wagtail-page-43", {"title": "بلا نص"})
    assert not missing.ok and missing.error == "invalid_article" and missing.http_status == 422
    assert "text" in missing.message
    slash = dc.index_article(service, "a/b", _bbc_article())
    assert not slash.ok and slash.error == "invalid_id" and slash.http_status is None


# --------------------------------------------------------------------------- helpers


def test_article_values_are_encoded_for_the_service(service: str) -> None:
    import datetime as dt

    record = _unrelated_record()
    article = {**record, "date": dt.datetime(2015, 7, 21, 20, 10, 24), "author": None, "url": None, "category": "x"}
    d = dc.check_article(service, article)
    assert d.verdict == "pass" and not d.failed
    with pytest.raises(TypeError):
        dc.check_article(service, [("text", "x")])  # not a mapping


def test_html_to_text_keeps_paragraphs_and_drops_markup() -> None:
    html = (
        '<h2 class="x">عنوان&nbsp;فرعي</h2><p>أعلنت <b>الشرطة</b> في <a href="/at">النمسا</a></p>'
        "<script>var x = 1;</script><ul><li>أولا</li><li>ثانيا &amp; أخيرا</li></ul>"
    )
    assert dc.html_to_text(html) == "عنوان فرعي\nأعلنت الشرطة في النمسا\nأولا\nثانيا & أخيرا"
