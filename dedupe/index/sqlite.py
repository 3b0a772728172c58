"""The embedded index: one SQLite file, no server.

Layout (schema version 2)::

    meta(key PRIMARY KEY, value)              schema_version, config, index_fingerprint, created_by
    migrations(version PRIMARY KEY, applied)  one row per schema version applied
    articles(rowid, id UNIQUE, outlet, content_hash, meta JSON, shingles, numbers, signature,
             band_keys, anchors, text)        arrays little-endian; text zlib-compressed or NULL
    bands(key, article)                       WITHOUT ROWID, primary key (key, article)
    anchors(hash, article)                    WITHOUT ROWID, primary key (hash, article)
    lines(key, article)                       WITHOUT ROWID, primary key (key, article); since
                                              schema 2 (a version 1 file is migrated when
                                              opened writable: :meth:`SQLiteIndex._migrate`)

The file runs in WAL mode: any number of readers go on while one writer writes. Each
connection belongs to one thread; an :class:`SQLiteIndex` opens one per thread that uses it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import IndexIncompatible, IndexUnavailable
from ..models import IndexedArticle, IndexStats
from .base import SCHEMA_VERSION, Entry, Index, IndexMeta, outlet_counts
from .codec import decode_article, encode_article, stored_date, stored_keys, stored_lines

__all__ = ["SQLiteIndex"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS migrations(version INTEGER PRIMARY KEY, applied TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles(
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    outlet TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    meta TEXT NOT NULL,
    shingles BLOB NOT NULL,
    numbers BLOB NOT NULL,
    signature BLOB NOT NULL,
    band_keys BLOB NOT NULL,
    anchors BLOB NOT NULL,
    text BLOB
);
CREATE TABLE IF NOT EXISTS bands(key INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (key, article)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS anchors(hash INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (hash, article)) WITHOUT ROWID;
"""
_LINES = "CREATE TABLE IF NOT EXISTS lines(key INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (key, article)) WITHOUT ROWID"
"""The lines table of schema version 2."""

# SQLite limits the number of bound parameters per statement (32766 in current builds).
_CHUNK = 900


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for k in range(0, len(items), size):
        yield items[k : k + size]


class SQLiteIndex(Index):
    def __init__(self, path: str | Path, config: Config | None = None, *, create: bool = True) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if not self.path.exists() and not create:
            raise IndexUnavailable(f"no index at {self.path} (create one with `dedupe index add`)")
        if create and not self.path.parent.exists():
            raise IndexUnavailable(f"cannot create an index at {self.path}: folder {self.path.parent} does not exist")
        db = self._db()
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            self.close()
            raise IndexIncompatible(f"{self.path} is not a dedupe index: {exc}") from exc
        if tables and "meta" not in tables:
            self.close()
            raise IndexIncompatible(f"{self.path} is an SQLite database but not a dedupe index (no meta table)")
        if not tables:
            # Two processes may create the same new file at once: the second one's inserts are
            # ignored and it reads the first one's metadata below.
            with self._write(db):
                for statement in [*_SCHEMA.strip().split(";\n"), _LINES]:
                    if statement.strip():
                        db.execute(statement)
                db.executemany("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", IndexMeta.new(config or Config()).to_json().items())
                db.execute("INSERT OR IGNORE INTO migrations(version, applied) VALUES (?, ?)", (SCHEMA_VERSION, _now()))
        raw = dict(db.execute("SELECT key, value FROM meta").fetchall())
        try:
            self.meta = IndexMeta.from_json(raw, str(self.path))
        except IndexIncompatible:
            self.close()
            raise
        self._lines = True
        if self.meta.schema_version < SCHEMA_VERSION:
            self._lines = self._migrate(db)
        self.config = self.meta.settle(config, str(self.path))

    def _migrate(self, db: sqlite3.Connection) -> bool:
        """Bring a schema version 1 file to version 2: the lines table (re)built from the lines
        each article stored (a version 1 dedupe leaves rows behind when it replaces an article).
        A read-only file stays as it is and learns no lines (False)."""
        try:
            with self._write(db):
                if int(db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]) < SCHEMA_VERSION:
                    db.execute(_LINES)
                    db.execute("DELETE FROM lines")
                    for rowid, meta in db.execute("SELECT rowid, meta FROM articles").fetchall():
                        db.executemany("INSERT OR IGNORE INTO lines(key, article) VALUES (?, ?)", ((k, rowid) for k in stored_lines(meta)))
                    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
                    db.execute("INSERT OR IGNORE INTO migrations(version, applied) VALUES (?, ?)", (SCHEMA_VERSION, _now()))
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_READONLY:
                self.close()
                raise IndexUnavailable(f"cannot migrate the index at {self.path} to schema {SCHEMA_VERSION}: {exc}") from exc
            return False
        self.meta = IndexMeta.from_json(dict(db.execute("SELECT key, value FROM meta").fetchall()), str(self.path))
        return True

    # -------------------------------------------------------------------------------- connections

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("PRAGMA busy_timeout=30000")
            except sqlite3.DatabaseError as exc:
                if "not a database" in str(exc):
                    raise IndexIncompatible(f"{self.path} is not a dedupe index: {exc}") from exc
                raise IndexUnavailable(f"cannot open the index at {self.path}: {exc}") from exc
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    class _write:
        """One write transaction, taken at once so concurrent writers queue instead of failing
        halfway."""

        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
            self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                try:
                    db.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()

    # ------------------------------------------------------------------------------------- writes

    def _unfile(self, db: sqlite3.Connection, ids: Sequence[str]) -> list[str]:
        found: list[str] = []
        for chunk in _chunks(ids):
            rows = db.execute(
                f"SELECT rowid, id, band_keys, anchors, meta FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
            for rowid, article_id, band_keys, anchors, meta in rows:
                keys, hashes = stored_keys({"band_keys": band_keys, "anchors": anchors})
                db.executemany("DELETE FROM bands WHERE key = ? AND article = ?", ((k, rowid) for k in keys))
                db.executemany("DELETE FROM anchors WHERE hash = ? AND article = ?", ((h, rowid) for h in hashes))
                db.executemany("DELETE FROM lines WHERE key = ? AND article = ?", ((k, rowid) for k in stored_lines(meta)))
                db.execute("DELETE FROM articles WHERE rowid = ?", (rowid,))
                found.append(article_id)
        return found

    def put(self, entries: Sequence[Entry], *, keep_text: bool = True) -> list[str]:
        if not entries:
            return []
        db = self._db()
        with self._write(db):
            replaced = self._unfile(db, list(dict.fromkeys(e.article.id for e in entries)))
            for entry in entries:
                fields = encode_article(entry, keep_text=keep_text)
                cursor = db.execute(
                    "INSERT OR REPLACE INTO articles(id, outlet, content_hash, meta, shingles, numbers, signature, band_keys, anchors, text)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        entry.article.id, entry.article.outlet, entry.article.content_hash, fields["meta"], fields["shingles"],
                        fields["numbers"], fields["signature"], fields["band_keys"], fields["anchors"], fields["text"],
                    ),
                )
                rowid = cursor.lastrowid
                db.executemany("INSERT OR IGNORE INTO bands(key, article) VALUES (?, ?)", ((k, rowid) for k in entry.band_keys))
                db.executemany("INSERT OR IGNORE INTO anchors(hash, article) VALUES (?, ?)", ((h, rowid) for h in entry.anchors))
                db.executemany("INSERT OR IGNORE INTO lines(key, article) VALUES (?, ?)", ((k, rowid) for k in entry.filed_lines))
        return replaced

    def delete(self, ids: Iterable[str]) -> list[str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        db = self._db()
        with self._write(db):
            return self._unfile(db, wanted)

    # -------------------------------------------------------------------------------------- reads

    def get_many(self, ids: Iterable[str], *, text: bool = False) -> dict[str, IndexedArticle]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, IndexedArticle] = {}
        db = self._db()
        columns = "meta, shingles, numbers, signature, band_keys, anchors" + (", text" if text else "")
        for chunk in _chunks(wanted):
            for row in db.execute(f"SELECT {columns} FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                fields = dict(zip(("meta", "shingles", "numbers", "signature", "band_keys", "anchors", "text"), row))
                article = decode_article(fields, with_text=text)
                out[article.id] = article
        return out

    def content_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, str] = {}
        db = self._db()
        for chunk in _chunks(wanted):
            out.update(db.execute(f"SELECT id, content_hash FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        return out

    def lookup(self, band_keys: Sequence[int], anchors: Sequence[int], max_anchor_docs: int) -> tuple[set[str], dict[str, int]]:
        db = self._db()
        by_band: set[int] = set()
        for chunk in _chunks(list(band_keys)):
            by_band.update(r[0] for r in db.execute(f"SELECT article FROM bands WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        shared: dict[int, int] = {}
        for chunk in _chunks(list(dict.fromkeys(anchors))):
            rows = db.execute(
                f"SELECT hash, article FROM anchors WHERE hash IN ({','.join('?' * len(chunk))}) ORDER BY hash", chunk
            ).fetchall()
            per_hash: dict[int, list[int]] = {}
            for h, article in rows:
                per_hash.setdefault(h, []).append(article)
            for members in per_hash.values():
                if len(members) <= max_anchor_docs:
                    for article in members:
                        shared[article] = shared.get(article, 0) + 1
        rowids = by_band | set(shared)
        names: dict[int, str] = {}
        ordered = sorted(rowids)
        for chunk in _chunks(ordered):
            names.update(db.execute(f"SELECT rowid, id FROM articles WHERE rowid IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        return {names[r] for r in by_band if r in names}, {names[r]: n for r, n in shared.items() if r in names}

    def holders(self, anchors: Sequence[int], limit: int) -> list[tuple[int, list[str]]]:
        db = self._db()
        found: dict[int, list[str]] = {}
        for chunk in _chunks(list(dict.fromkeys(anchors))):
            rows = db.execute(
                f"SELECT a.hash, r.id FROM anchors a JOIN articles r ON r.rowid = a.article WHERE a.hash IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            for h, article_id in rows:
                found.setdefault(h, []).append(article_id)
        return [(len(found.get(h, ())), sorted(found.get(h, ()))[:limit]) for h in anchors]

    def line_holders(self, keys: Sequence[int], limit: int | None = None) -> list[list[str]]:
        if not self._lines:
            return [[] for _ in keys]
        db = self._db()
        found: dict[int, list[str]] = {}
        for chunk in _chunks(list(dict.fromkeys(keys))):
            marks = ",".join("?" * len(chunk))
            if limit is not None:
                # Only the keys few enough articles hold (counted on the primary key's index).
                chunk = [k for (k,) in db.execute(
                    f"SELECT key FROM lines WHERE key IN ({marks}) GROUP BY key HAVING COUNT(*) <= ?", (*chunk, limit),
                ).fetchall()]
                if not chunk:
                    continue
                marks = ",".join("?" * len(chunk))
            rows = db.execute(
                f"SELECT l.key, r.id FROM lines l JOIN articles r ON r.rowid = l.article WHERE l.key IN ({marks})",
                chunk,
            ).fetchall()
            for k, article_id in rows:
                found.setdefault(k, []).append(article_id)
        return [sorted(found.get(k, ())) for k in keys]

    def dates(self, ids: Iterable[str]) -> dict[str, datetime | None]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, datetime | None] = {}
        db = self._db()
        for chunk in _chunks(wanted):
            for article_id, meta in db.execute(f"SELECT id, meta FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                out[article_id] = stored_date(meta)
        return out

    def ids(self) -> Iterator[str]:
        # A snapshot, so a caller may write to the index while it walks the ids.
        rows = self._db().execute("SELECT id FROM articles ORDER BY id").fetchall()
        return iter([r[0] for r in rows])

    def __len__(self) -> int:
        return int(self._db().execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def stats(self) -> IndexStats:
        db = self._db()
        with_text = int(db.execute("SELECT COUNT(*) FROM articles WHERE text IS NOT NULL").fetchone()[0])
        outlets = outlet_counts(r[0] for r in db.execute("SELECT outlet FROM articles"))
        size = sum(os.path.getsize(p) for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return IndexStats(
            self.url, sum(outlets.values()), with_text, outlets, self.meta.schema_version,
            self.config.index_fingerprint(), self.meta.created_by, size,
        )

    def check_integrity(self) -> list[str]:
        """Problems found in the file: SQLite's own check, then every lookup row pointing to a
        stored article and every stored article filed under all its keys. Empty when sound."""
        db = self._db()
        problems = [r[0] for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
        tables = ("bands", "anchors", "lines") if self._lines else ("bands", "anchors")
        for table in tables:
            orphans = db.execute(f"SELECT COUNT(*) FROM {table} WHERE article NOT IN (SELECT rowid FROM articles)").fetchone()[0]
            if orphans:
                problems.append(f"{orphans} rows of {table} point to no article")
        filed = {
            kind: dict(db.execute(f"SELECT article, COUNT(*) FROM {table} GROUP BY article").fetchall())
            for kind, table in (("band keys", "bands"), ("anchors", "anchors"), ("lines", "lines")) if table in tables
        }
        for rowid, article_id, band_keys, anchors, meta in db.execute("SELECT rowid, id, band_keys, anchors, meta FROM articles"):
            keys, hashes = stored_keys({"band_keys": band_keys, "anchors": anchors})
            expected = {"band keys": len(set(keys)), "anchors": len(set(hashes)), "lines": len(set(stored_lines(meta)))}
            for kind, rows in filed.items():
                if rows.get(rowid, 0) != expected[kind]:
                    problems.append(f"{article_id}: filed under {rows.get(rowid, 0)} {kind}, expected {expected[kind]}")
        return problems


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
