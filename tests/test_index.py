"""The persistent index: every backend stores the same records and gives the same answers,
on the real articles in fixtures/. Redis runs as a real server (see conftest.redis_server)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from dedupe import Config, Document, Policy, check, index_documents, open_index, scan_documents
from dedupe.documents import DEFAULT_FIELDS, iter_documents
from dedupe.errors import ConfigError, IndexIncompatible, IndexUnavailable, InputError
from dedupe.index import Index
from dedupe.index.base import SCHEMA_VERSION
from dedupe.report import check_to_dict

from .conftest import EXAMPLE, SEED_000, SEED_003, free_port

BACKENDS = ["memory", "sqlite", "redis"]


def example_docs() -> list[Document]:
    return list(iter_documents([EXAMPLE], fields=DEFAULT_FIELDS))


@pytest.fixture
def make_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    made: list[Index] = []

    def url(backend: str, name: str = "index") -> str:
        if backend == "memory":
            return "memory://"
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / (name + '.db')}"
        redis_url: str = request.getfixturevalue("redis_url")
        return redis_url.replace("?prefix=", f"?prefix={name}-")

    yield url
    for ix in made:
        ix.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _comparable(result: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in result.items() if k != "timings"}


def test_add_then_get_round_trips_every_field(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    docs = example_docs()
    with open_index(make_url(backend)) as ix:
        result = index_documents(docs, ix)
        assert sorted(result.added) == sorted(d.id for d in docs) and not result.replaced and not result.skipped
        assert len(ix) == len(docs)
        for doc in docs:
            stored = ix.get(doc.id)
            assert stored is not None
            assert (stored.title, stored.text, stored.outlet, stored.date, stored.author, stored.url) == (
                doc.title, doc.text, doc.outlet, doc.date, doc.author, doc.url,
            )
            assert stored.shingles.dtype == np.uint32 and len(stored.shingles) > 0
            assert np.all(np.diff(stored.shingles.astype(np.int64)) > 0), "shingles stored sorted and distinct"
        no_text = ix.get(docs[0].id, text=False)
        assert no_text is not None and no_text.text is None
        assert ix.get("no-such-id") is None


def test_adding_again_is_idempotent_and_new_content_replaces(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    docs = example_docs()
    with open_index(make_url(backend)) as ix:
        index_documents(docs, ix)
        again = index_documents(docs, ix)
        assert sorted(again.unchanged) == sorted(d.id for d in docs) and not again.added and not again.replaced
        # Replace the seed with an unrelated article under the same id: the old text must no
        # longer be found through any lookup table.
        seed = next(d for d in docs if d.id == SEED_000.name)
        other = next(d for d in docs if d.id == SEED_003.name)
        changed = index_documents([replace(other, id=seed.id)], ix)
        assert changed.replaced == (seed.id,)
        assert len(ix) == len(docs)
        probe = check(replace(seed, id="probe"), ix, Policy(max_matches=50), with_passages=False)
        assert seed.id not in {m.id for m in probe.matches}
        if hasattr(ix, "check_integrity"):
            assert ix.check_integrity() == []


def test_remove_unfiles_the_article(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    docs = example_docs()
    seed = next(d for d in docs if d.id == SEED_000.name)
    with open_index(make_url(backend)) as ix:
        index_documents(docs, ix)
        before = {m.id for m in check(replace(seed, id="probe"), ix, with_passages=False).matches}
        assert seed.id in before
        assert ix.delete([seed.id, "no-such-id"]) == [seed.id]
        after = {m.id for m in check(replace(seed, id="probe"), ix, with_passages=False).matches}
        assert after == before - {seed.id}
        assert ix.delete([seed.id]) == []
        if hasattr(ix, "check_integrity"):
            assert ix.check_integrity() == []


def test_check_finds_the_pairs_a_scan_finds(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    """Checking each article against an index of all of them gives exactly the pairs (and
    relations) a scan of the same articles gives."""
    docs = example_docs()
    scanned = {(frozenset((p.a, p.b)), p.relation) for p in scan_documents(docs).pairs}
    assert scanned, "the example corpus has copies"
    with open_index(make_url(backend)) as ix:
        index_documents(docs, ix)
        checked = {
            (frozenset((d.id, m.id)), m.relation)
            for d in docs
            for m in check(d, ix, Policy(max_matches=100), with_passages=False).matches
        }
    assert checked == scanned


def test_backends_give_identical_answers(make_url) -> None:  # type: ignore[no-untyped-def]
    docs = example_docs()
    answers: dict[str, list[dict[str, object]]] = {}
    for backend in BACKENDS:
        with open_index(make_url(backend, "same")) as ix:
            index_documents(docs, ix)
            answers[backend] = [_comparable(check_to_dict(check(replace(d, id=f"new-{d.id}"), ix))) for d in docs]
            stats = ix.stats()
            assert stats.articles == len(docs) and stats.with_text == len(docs)
    assert answers["sqlite"] == answers["memory"]
    assert answers["redis"] == answers["memory"]
    assert any(a["verdict"] != "pass" for a in answers["memory"])


def test_passages_point_into_both_raw_texts(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    docs = example_docs()
    by_id = {d.id: d for d in docs}
    seed = by_id[SEED_000.name]
    with open_index(make_url(backend)) as ix:
        index_documents([d for d in docs if d.id != seed.id], ix)
        result = check(seed, ix)
    assert result.matches and result.matches[0].passages
    for m in result.matches:
        for p in m.passages:
            assert p.a_text == (seed.title if p.a.field == "title" else seed.text)[p.a.start : p.a.end]
            other = by_id[m.id]
            assert p.b_text == (other.title if p.b.field == "title" else other.text)[p.b.start : p.b.end]


def test_text_kept_out_means_no_passages_but_same_matches(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    docs = example_docs()
    seed = next(d for d in docs if d.id == SEED_000.name)
    rest = [d for d in docs if d.id != seed.id]
    with open_index(make_url(backend, "with")) as full, open_index(make_url(backend, "without")) as lean:
        index_documents(rest, full)
        index_documents(rest, lean, keep_text=False)
        a, b = check(seed, full), check(seed, lean)
        assert lean.stats().with_text == 0
    assert [(m.id, m.relation) for m in a.matches] == [(m.id, m.relation) for m in b.matches]
    assert any(m.passages for m in a.matches) and not any(m.passages for m in b.matches)


def test_export_re_adds_to_an_identical_index(tmp_path: Path) -> None:
    docs = example_docs()
    with open_index(f"sqlite:///{tmp_path / 'a.db'}") as a, open_index(f"sqlite:///{tmp_path / 'b.db'}") as b:
        index_documents(docs, a)
        exported = [Document(x.id, x.text or "", x.title, x.date, x.outlet, x.author, x.url, title_in_text=x.title_in_text) for x in a.export()]
        assert [x.id for x in exported] == sorted(d.id for d in docs)
        index_documents(exported, b)
        for x in a.export():
            y = b.get(x.id)
            assert y is not None and y.content_hash == x.content_hash and np.array_equal(y.shingles, x.shingles)


def test_an_empty_article_cannot_be_checked() -> None:
    with open_index("memory://") as ix:
        with pytest.raises(InputError, match="nothing to check"):
            check(Document("x", "   \n"), ix)


def test_skipped_articles_are_reported_not_lost() -> None:
    with open_index("memory://") as ix:
        result = index_documents([Document("empty", ""), Document("short", "كلمتان فقط")], ix)
    assert dict(result.skipped).keys() == {"empty", "short"} and not result.added


# ---------------------------------------------------------------------------------- versions


def test_an_index_keeps_its_own_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with open_index(url, Config(shingle_size=4)) as ix:
        index_documents(example_docs()[:5], ix)
    with open_index(url) as ix:
        assert ix.config.shingle_size == 4
    with pytest.raises(IndexIncompatible, match="other shingling/LSH settings"):
        open_index(url, Config(shingle_size=5))
    # Settings that only change verification are accepted.
    with open_index(url, Config(shingle_size=4, duplicate_jaccard=0.9)) as ix:
        assert ix.config.duplicate_jaccard == 0.9


def test_an_index_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    open_index(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(IndexIncompatible, match="newer dedupe"):
        open_index(f"sqlite:///{path}")


def test_an_older_unmigratable_index_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    open_index(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(IndexIncompatible, match="cannot migrate"):
        open_index(f"sqlite:///{path}")


def test_another_sqlite_file_is_not_taken_for_an_index(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes(x)")
    with pytest.raises(IndexIncompatible, match="not a dedupe index"):
        open_index(f"sqlite:///{path}")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(IndexIncompatible, match="not a dedupe index"):
        open_index(f"sqlite:///{garbage}")


def test_missing_index_and_bad_urls_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="no index at"):
        open_index(f"sqlite:///{tmp_path / 'absent.db'}", create=False)
    with pytest.raises(IndexUnavailable, match="does not exist"):
        open_index(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    with pytest.raises(ConfigError, match="unknown index URL"):
        open_index("postgres://x/y")
    with pytest.raises(ConfigError):
        open_index("sqlite://relative.db")


def test_an_unreachable_redis_is_a_clear_error_not_a_hang() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(IndexUnavailable, match="is redis-server running"):
        open_index(f"redis://127.0.0.1:{port}/0")


# ---------------------------------------------------------------------------- concurrency


def test_readers_go_on_while_a_writer_holds_the_sqlite_file(tmp_path: Path) -> None:
    """WAL mode: a check in another connection answers while a write transaction is open."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    docs = example_docs()
    seed = next(d for d in docs if d.id == SEED_000.name)
    with open_index(url) as ix:
        index_documents(docs, ix)
    writer = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM bands")  # not yet committed: readers see the old tables
    try:
        results: list[int] = []

        def read() -> None:
            with open_index(url) as reader:
                results.append(len(check(replace(seed, id="probe"), reader, with_passages=False).matches))

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(30)
        assert results and results[0] >= 2
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_concurrent_writers_from_threads_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    docs = example_docs()
    with open_index(url) as ix:
        errors: list[BaseException] = []

        def add(part: list[Document]) -> None:
            try:
                index_documents(part, ix, batch=3)
            except BaseException as exc:  # noqa: B036 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=add, args=(docs[k::4],)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors
        assert len(ix) == len(docs)
        assert ix.check_integrity() == []  # type: ignore[attr-defined]


def test_index_add_with_two_workers_stores_what_one_stores(tmp_path: Path) -> None:
    docs = example_docs()
    with open_index(f"sqlite:///{tmp_path / 'one.db'}") as one, open_index(f"sqlite:///{tmp_path / 'two.db'}") as two:
        index_documents(docs, one, jobs=1, batch=7)
        index_documents(docs, two, jobs=2, batch=7)
        for a in one.export():
            b = two.get(a.id)
            assert b is not None
            assert (a.content_hash, a.tokens, a.weekdays) == (b.content_hash, b.tokens, b.weekdays)
            assert np.array_equal(a.shingles, b.shingles) and np.array_equal(a.signature, b.signature)
            assert a.provenance == b.provenance


def test_an_index_whose_tokens_hashed_differently_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    open_index(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:  # as an index made before the token hash changed would say
        db.execute("UPDATE meta SET value = 'abc88eea535ca8fc' WHERE key = 'index_fingerprint'")
    with pytest.raises(IndexIncompatible, match="hashed tokens differently"):
        open_index(f"sqlite:///{path}")


def test_every_backend_counts_an_anchors_holders(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    from dedupe.candidates import anchors_of
    from dedupe.prepare import prepare

    docs = example_docs()
    config = Config()
    sets = {d.id: set(anchors_of(prepare(d, config).shingles, config.anchor_modulus).tolist()) for d in docs}
    anchors = sorted({a for s in sets.values() for a in s})[:300] + [7 * 8 * 1_000_003 % (1 << 32)]
    with open_index(make_url(backend, "holders")) as ix:
        index_documents(docs, ix)
        held = ix.holders(anchors, 2)
    for anchor, (count, some) in zip(anchors, held):
        holding = sorted(i for i, s in sets.items() if anchor in s)
        assert count == len(holding) and some == holding[:2], anchor
    assert any(count >= 2 for count, _ in held) and held[-1] == (0, [])


def test_check_tells_a_formula_from_a_copy_as_a_scan_does(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    from .test_formulas import CONFIG, _receptions

    docs = _receptions(days=8)
    scanned = {frozenset((p.a, p.b)): p.relation for p in scan_documents(docs, CONFIG).pairs}
    with open_index(make_url(backend, "formula"), CONFIG) as ix:
        index_documents(docs[:-1], ix)
        result = check(docs[-1], ix, Policy(max_matches=100), with_passages=False)
    assert {m.relation for m in result.matches} == {"template"} and result.verdict == "pass"
    assert {m.id: m.relation for m in result.matches} == {
        next(iter(k - {docs[-1].id})): r for k, r in scanned.items() if docs[-1].id in k
    }


def test_every_backend_files_lines_per_outlet_and_unfiles_them(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    from dedupe.index.base import line_keys
    from dedupe.prepare import prepare

    docs = example_docs()
    config = Config()
    lines = {d.id: line_keys(d.outlet, prepare(d, config).line_keys.tolist()) for d in docs}
    wanted = sorted({k for ks in lines.values() for k in ks})
    with open_index(make_url(backend, "lines")) as ix:
        index_documents(docs, ix)
        held = ix.line_holders(wanted)
        assert held == [sorted(i for i, ks in lines.items() if k in ks) for k in wanted]
        # One outlet's line is not another's.
        one = next(d for d in docs if lines[d.id])
        assert line_keys(one.outlet + "x", [1, 2]) != line_keys(one.outlet, [1, 2]) and line_keys(" ", [1]) == []
        assert ix.dates([one.id, "nobody"]) == {one.id: one.date}
        ix.delete([one.id])
        assert all(one.id not in ids for ids in ix.line_holders(lines[one.id]))
        if backend != "memory":
            assert ix.check_integrity() == []  # type: ignore[attr-defined]


def test_check_learns_page_furniture_from_the_index_as_a_scan_does(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    from .test_furniture import TEASERS, _cnn, _teaser_days

    config = Config(min_shared_shingles=10, anchor_modulus=1)
    docs = _teaser_days()
    new = _cnn(7, TEASERS[1:], day=1)
    scanned = scan_documents([*docs, new], config)
    in_scan = next(f for d in scanned.documents if d.id == new.id for f in d.findings if f.kind == "page_furniture")
    with open_index(make_url(backend, "furniture"), config) as ix:
        index_documents(docs, ix)
        result = check(new, ix, Policy(max_matches=100))
        learned = [f for f in result.findings if f.kind == "page_furniture"]
        assert learned == [in_scan]
        assert result.matches == () and not any(p for p in scanned.pairs if new.id in (p.a, p.b))
        # An index that has not seen the outlet's other articles learns nothing: the teasers match.
        with open_index(make_url(backend, "furniture-none"), config) as empty:
            index_documents(docs[:1], empty)
            unlearned = check(new, empty, Policy(max_matches=100))
    assert not any(f.kind == "page_furniture" for f in unlearned.findings) and unlearned.matches


def test_check_takes_the_teaser_blocks_of_stored_articles_out_as_a_scan_does(backend: str, make_url) -> None:  # type: ignore[no-untyped-def]
    """An article whose lead the outlet's stored articles carry in their teaser blocks matches
    none of them, in a check as in a scan; a stored article's teasers are its own furniture."""
    from .test_furniture import DAY, TEASERS, _STORIES, _cnn

    config = Config(min_shared_shingles=10, anchor_modulus=1)
    body = "\n".join(_STORIES[8].split("\n")[:2])
    teasers = [body.split("\n")[0], *TEASERS[1:]]
    docs = [_cnn(k, [x for n, x in enumerate(teasers) if n != k % len(teasers)], day=k % 3) for k in range(6)]
    new = Document("cnn-new", body, "عنوان جديد", date=DAY + timedelta(days=1), outlet="CNN")
    scanned = scan_documents([*docs, new], config)
    assert not any(new.id in (p.a, p.b) for p in scanned.pairs)
    # The teaser is the lead of the new article: two articles alone are a partial copy.
    assert scan_documents([docs[1], new], config).pairs[0].relation == "partial"
    with open_index(make_url(backend, "stored-furniture"), config) as ix:
        index_documents(docs, ix)
        assert check(new, ix, Policy(max_matches=100)).matches == ()
    # Filed without their texts, the stored articles keep the shingles they were filed with.
    with open_index(make_url(backend, "stored-furniture-textless"), config) as ix:
        index_documents(docs, ix, keep_text=False)
        assert {m.relation for m in check(new, ix, Policy(max_matches=100)).matches} == {"partial"}


def test_an_sqlite_index_of_schema_1_is_migrated_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    docs = example_docs()
    with open_index(f"sqlite:///{path}") as ix:
        index_documents(docs[:8], ix)
    first = [d.id for d in docs[:5]]
    with sqlite3.connect(path) as db:
        # As a schema 1 file: the first five filed before lines were, and a row a version 1
        # dedupe left behind when it replaced an article.
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        db.execute("UPDATE migrations SET version = 1")
        db.execute(f"UPDATE articles SET meta = json_remove(meta, '$.lines', '$.line_tokens', '$.sentences') WHERE id IN ({','.join('?' * 5)})", first)
        db.execute("DELETE FROM lines WHERE article IN (SELECT rowid FROM articles WHERE id IN (%s))" % ",".join("?" * 5), first)
        db.execute("INSERT INTO lines(key, article) SELECT 12345, rowid FROM articles WHERE id = ?", (docs[6].id,))
    with open_index(f"sqlite:///{path}") as ix:
        assert ix.stats().schema_version == SCHEMA_VERSION
        assert ix.check_integrity() == []  # type: ignore[attr-defined]
        assert ix.line_holders([12345]) == [[]]
        kept = ix.get_many([docs[6].id])[docs[6].id].lines
        assert kept and all(docs[6].id in ids for ids in ix.line_holders(list(kept)))
        index_documents(docs[8:], ix)
        ix.delete([docs[0].id])  # filed without lines: nothing to unfile
        assert ix.check_integrity() == []  # type: ignore[attr-defined]
        assert check(docs[3], ix).index_articles == len(docs) - 1
    with sqlite3.connect(path) as db:
        assert [v for (v,) in db.execute("SELECT version FROM migrations ORDER BY version")] == [1, 2]
        db.execute("INSERT INTO lines(key, article) SELECT 777, rowid FROM articles WHERE id = ?", (docs[7].id,))
    with open_index(f"sqlite:///{path}") as ix:
        from dedupe.index.codec import stored_lines

        with sqlite3.connect(path) as db:
            (meta,) = db.execute("SELECT meta FROM articles WHERE id = ?", (docs[7].id,)).fetchone()
        n = len(set(stored_lines(meta)))  # its lines and its sentences
        assert n > len(set(ix.get_many([docs[7].id])[docs[7].id].lines))
        assert ix.check_integrity() == [f"{docs[7].id}: filed under {n + 1} lines, expected {n}"]  # type: ignore[attr-defined]


def test_a_redis_index_of_schema_1_is_migrated_when_opened(redis_url: str) -> None:
    import redis

    url = redis_url.replace("?prefix=", "?prefix=migrate-")
    prefix = url.split("?prefix=")[1]
    docs = example_docs()
    with open_index(url) as ix:
        index_documents(docs, ix)
        one = next(a for a in ix.get_many([d.id for d in docs]).values() if a.lines)
        wanted = list(one.lines)
    r = redis.Redis.from_url(url.split("?")[0])
    r.hset(f"{prefix}:meta", "schema_version", "1")
    r.sadd(f"{prefix}:l:4242", one.id)  # left behind by a version 1 dedupe replacing it
    with open_index(url) as ix:
        assert ix.stats().schema_version == SCHEMA_VERSION
        assert ix.line_holders([4242]) == [[]]
        assert all(one.id in ids for ids in ix.line_holders(wanted))
        assert ix.check_integrity() == []  # type: ignore[attr-defined]
        r.sadd(f"{prefix}:l:4243", one.id)
        assert ix.check_integrity() == [f"{prefix}:l:4243 names 1 articles that do not hold that line"]  # type: ignore[attr-defined]
        ix.drop()  # type: ignore[attr-defined]
