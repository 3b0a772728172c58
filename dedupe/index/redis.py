"""The shared index: Redis, for several service instances and more articles than one process
should hold. Same records and answers as the SQLite backend.

Layout, under a key prefix (``?prefix=`` in the URL, default ``dedupe``)::

    {p}:meta            hash: schema_version, config, index_fingerprint, created_by
    {p}:hashes          hash: article id → content hash (the list of stored ids)
    {p}:outlets         hash: article id → outlet
    {p}:a:{id}          hash: meta, shingles, numbers, signature, band_keys, anchors[, text]
    {p}:b:{band key}    set of article ids filed under that LSH band key
    {p}:n:{anchor}      set of article ids holding that anchor shingle
    {p}:l:{line key}    set of article ids holding that text line (per outlet: dedupe.index.base.line_keys);
                        since schema 2 (a version 1 prefix is migrated when opened: RedisIndex._migrate)

A write reads the keys its ids were filed under, then runs as one MULTI/EXEC transaction
(WATCHing those articles, retried if another writer got there first): a client killed
midway leaves no partial article.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..config import Config
from ..errors import IndexExtraMissing, IndexIncompatible, IndexUnavailable
from ..models import IndexedArticle, IndexStats
from .base import SCHEMA_VERSION, Entry, Index, IndexMeta, outlet_counts
from .codec import decode_article, encode_article, stored_date, stored_keys, stored_lines

__all__ = ["RedisIndex"]

_FIELDS = ("meta", "shingles", "numbers", "signature", "band_keys", "anchors")


def _redis() -> Any:
    try:
        import redis
    except ImportError:
        raise IndexExtraMissing("the Redis index", "redis") from None
    return redis


class RedisIndex(Index):
    def __init__(self, url: str, config: Config | None = None, *, create: bool = True, timeout: float = 5.0) -> None:
        redis = _redis()
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.prefix = query.pop("prefix", ["dedupe"])[0]
        # Shown in stats and errors: without a password.
        self.url = parts._replace(query="", netloc=f"{parts.hostname or 'localhost'}:{parts.port or 6379}").geturl()
        if self.prefix != "dedupe":
            self.url += f"?prefix={self.prefix}"
        where = f"Redis at {parts.hostname or 'localhost'}:{parts.port or 6379}"
        self._errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self._watch_error = redis.exceptions.WatchError
        try:
            self.r = redis.Redis.from_url(
                parts._replace(query="").geturl(), socket_connect_timeout=timeout, socket_timeout=max(timeout, 30.0),
                health_check_interval=30,
            )
            self.r.ping()
        except self._errors as exc:
            raise IndexUnavailable(f"cannot reach {where}: {exc} (is redis-server running?)") from exc
        except redis.exceptions.RedisError as exc:
            raise IndexUnavailable(f"cannot use {where}: {exc}") from exc
        meta_key = self._k("meta")
        raw = {k.decode(): v.decode() for k, v in self.r.hgetall(meta_key).items()}
        if not raw:
            if not create:
                raise IndexUnavailable(f"no index under prefix {self.prefix!r} in {where} (create one with `dedupe index add`)")
            if self.r.exists(self._k("hashes")):
                raise IndexIncompatible(f"prefix {self.prefix!r} in {where} holds articles but no index metadata")
            pipe = self.r.pipeline(transaction=True)
            for k, v in IndexMeta.new(config or Config()).to_json().items():
                pipe.hsetnx(meta_key, k, v)  # another process creating it at once: first one wins
            pipe.execute()
            raw = {k.decode(): v.decode() for k, v in self.r.hgetall(meta_key).items()}
        self.meta = IndexMeta.from_json(raw, f"the index under prefix {self.prefix!r} in {where}")
        if self.meta.schema_version < SCHEMA_VERSION:
            self._migrate(where)
            raw = {k.decode(): v.decode() for k, v in self.r.hgetall(meta_key).items()}
            self.meta = IndexMeta.from_json(raw, f"the index under prefix {self.prefix!r} in {where}")
        self.config = self.meta.settle(config, f"the index under prefix {self.prefix!r} in {where}")

    def _migrate(self, where: str, wait: float = 300.0) -> None:
        """Bring a schema version 1 prefix to version 2: its line sets rebuilt from the lines each
        article stored (a version 1 dedupe leaves ids behind when it replaces an article). One
        process migrates (holding ``{p}:migrating``); the others wait for it."""
        meta_key, lock = self._k("meta"), self._k("migrating")
        deadline = time.monotonic() + wait
        while not self.r.set(lock, "1", nx=True, ex=int(wait)):
            if int(self.r.hget(meta_key, "schema_version") or 0) >= SCHEMA_VERSION:
                return
            if time.monotonic() > deadline:
                raise IndexUnavailable(f"the index under prefix {self.prefix!r} in {where} is being migrated by another process; try again")
            time.sleep(0.2)
        try:
            if int(self.r.hget(meta_key, "schema_version") or 0) >= SCHEMA_VERSION:
                return
            for key in list(self.r.scan_iter(match=self._k("l", "*"), count=5000)):
                self.r.delete(key)
            ids = list(self.ids())
            for k in range(0, len(ids), 1000):
                chunk = ids[k : k + 1000]
                pipe = self.r.pipeline(transaction=False)
                for i, fields in self._stored_keys(self.r, chunk).items():
                    for line in stored_lines(fields["meta"]) if fields.get("meta") else ():
                        pipe.sadd(self._k("l", line), i)
                pipe.execute()
            self.r.hset(meta_key, "schema_version", str(SCHEMA_VERSION))
        finally:
            self.r.delete(lock)

    def _k(self, *parts: str | int) -> str:
        return ":".join((self.prefix, *map(str, parts)))

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except self._errors as exc:
            raise IndexUnavailable(f"lost the connection to Redis ({self.url}): {exc}") from exc

    # ------------------------------------------------------------------------------------- writes

    def _unfile(self, pipe: Any, article_id: str, fields: dict[str, Any]) -> None:
        keys, hashes = stored_keys(fields)
        for k in keys:
            pipe.srem(self._k("b", k), article_id)
        for h in hashes:
            pipe.srem(self._k("n", h), article_id)
        for line in stored_lines(fields["meta"]) if fields.get("meta") else ():
            pipe.srem(self._k("l", line), article_id)
        pipe.delete(self._k("a", article_id))
        pipe.hdel(self._k("hashes"), article_id)
        pipe.hdel(self._k("outlets"), article_id)

    def _stored_keys(self, client: Any, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        pipe = client.pipeline(transaction=False)
        for i in ids:
            pipe.hmget(self._k("a", i), "band_keys", "anchors", "meta")
        out = {}
        for i, (band_keys, anchors, meta) in zip(ids, pipe.execute()):
            if band_keys is not None:
                out[i] = {"band_keys": band_keys, "anchors": anchors or b"", "meta": meta}
        return out

    def _transact(self, ids: Sequence[str], write: Any) -> list[str]:
        """Run ``write(pipe, stored)`` as one transaction, retrying when a watched article changed."""
        watched = [self._k("a", i) for i in ids]
        while True:
            with self.r.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(*watched)
                    stored = self._stored_keys(pipe, ids)
                    pipe.multi()
                    for i, fields in stored.items():
                        self._unfile(pipe, i, fields)
                    write(pipe)
                    pipe.execute()
                    return list(stored)
                except self._watch_error:
                    continue

    def put(self, entries: Sequence[Entry], *, keep_text: bool = True) -> list[str]:
        if not entries:
            return []
        last = {e.article.id: e for e in entries}  # a repeated id within one call: the last wins

        def write(pipe: Any) -> None:
            for entry in last.values():
                article_id = entry.article.id
                fields = encode_article(entry, keep_text=keep_text)
                pipe.hset(self._k("a", article_id), mapping={k: v for k, v in fields.items() if v is not None})
                for k in entry.band_keys:
                    pipe.sadd(self._k("b", k), article_id)
                for h in entry.anchors:
                    pipe.sadd(self._k("n", h), article_id)
                for line in entry.filed_lines:
                    pipe.sadd(self._k("l", line), article_id)
                pipe.hset(self._k("hashes"), article_id, entry.article.content_hash)
                pipe.hset(self._k("outlets"), article_id, entry.article.outlet)

        result: list[str] = self._call(self._transact, list(last), write)
        return result

    def delete(self, ids: Iterable[str]) -> list[str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        result: list[str] = self._call(self._transact, wanted, lambda pipe: None)
        return result

    # -------------------------------------------------------------------------------------- reads

    def get_many(self, ids: Iterable[str], *, text: bool = False) -> dict[str, IndexedArticle]:
        wanted = list(dict.fromkeys(ids))
        names = _FIELDS + (("text",) if text else ())
        pipe = self.r.pipeline(transaction=False)
        for i in wanted:
            pipe.hmget(self._k("a", i), *names)
        out = {}
        for i, values in zip(wanted, self._call(pipe.execute)):
            if values[0] is not None:
                out[i] = decode_article(dict(zip(names, values)), with_text=text)
        return out

    def content_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        values = self._call(self.r.hmget, self._k("hashes"), wanted)
        return {i: v.decode() for i, v in zip(wanted, values) if v is not None}

    def lookup(self, band_keys: Sequence[int], anchors: Sequence[int], max_anchor_docs: int) -> tuple[set[str], dict[str, int]]:
        unique_anchors = list(dict.fromkeys(anchors))
        pipe = self.r.pipeline(transaction=False)
        for k in band_keys:
            pipe.smembers(self._k("b", k))
        for h in unique_anchors:
            pipe.smembers(self._k("n", h))
        results = self._call(pipe.execute)
        by_band: set[str] = set()
        for members in results[: len(band_keys)]:
            by_band.update(m.decode() for m in members)
        shared: dict[str, int] = {}
        for members in results[len(band_keys) :]:
            if len(members) <= max_anchor_docs:
                for m in members:
                    name = m.decode()
                    shared[name] = shared.get(name, 0) + 1
        return by_band, shared

    def holders(self, anchors: Sequence[int], limit: int) -> list[tuple[int, list[str]]]:
        if not anchors:
            return []
        pipe = self.r.pipeline(transaction=False)
        for h in anchors:
            pipe.smembers(self._k("n", h))
        return [(len(members), sorted(m.decode() for m in members)[:limit]) for members in self._call(pipe.execute)]

    def line_holders(self, keys: Sequence[int], limit: int | None = None) -> list[list[str]]:
        if not keys:
            return []
        wanted = list(keys)
        if limit is not None:
            pipe = self.r.pipeline(transaction=False)
            for k in keys:
                pipe.scard(self._k("l", k))
            wanted = [k for k, n in zip(keys, self._call(pipe.execute)) if n <= limit]
        pipe = self.r.pipeline(transaction=False)
        for k in wanted:
            pipe.smembers(self._k("l", k))
        held = dict(zip(wanted, (sorted(m.decode() for m in members) for members in self._call(pipe.execute))))
        return [held.get(k, []) for k in keys]

    def dates(self, ids: Iterable[str]) -> dict[str, datetime | None]:
        wanted = list(dict.fromkeys(ids))
        pipe = self.r.pipeline(transaction=False)
        for i in wanted:
            pipe.hget(self._k("a", i), "meta")
        return {i: stored_date(meta) for i, meta in zip(wanted, self._call(pipe.execute)) if meta is not None}

    def ids(self) -> Iterator[str]:
        return iter(sorted(k.decode() for k in self._call(self.r.hkeys, self._k("hashes"))))

    def __len__(self) -> int:
        return int(self._call(self.r.hlen, self._k("hashes")))

    def stats(self) -> IndexStats:
        outlets = outlet_counts(v.decode() for v in self._call(self.r.hvals, self._k("outlets")))
        pipe = self.r.pipeline(transaction=False)
        for i in self.ids():
            pipe.hexists(self._k("a", i), "text")
        with_text = sum(1 for v in self._call(pipe.execute) if v)
        return IndexStats(
            self.url, sum(outlets.values()), with_text, outlets, self.meta.schema_version,
            self.config.index_fingerprint(), self.meta.created_by,
        )

    def close(self) -> None:
        try:
            self.r.close()
        except Exception:  # closing a broken connection must not hide the error that broke it
            pass

    def check_integrity(self) -> list[str]:
        """Problems found: every listed id has its record and is filed under all its keys, and
        every lookup set names only stored articles. Empty when sound. Walks the whole prefix
        (pipelined, a thousand commands a round trip)."""
        problems: list[str] = []
        ids = list(self.ids())
        known = set(ids)
        records = self._stored_keys(self.r, ids)
        for i in known - set(records):
            problems.append(f"{i}: listed but has no record")
        probes: list[tuple[str, str]] = []
        lines_of: dict[str, set[int]] = {}
        for i, fields in records.items():
            keys, hashes = stored_keys(fields)
            lines = stored_lines(fields["meta"]) if fields.get("meta") else []
            lines_of[i] = set(lines)
            probes += [(self._k("b", k), i) for k in keys] + [(self._k("n", h), i) for h in hashes] + [(self._k("l", k), i) for k in lines]
        missing: dict[str, int] = {}
        for k in range(0, len(probes), 1000):
            pipe = self.r.pipeline(transaction=False)
            for key, i in probes[k : k + 1000]:
                pipe.sismember(key, i)
            for (_, i), present in zip(probes[k : k + 1000], pipe.execute()):
                if not present:
                    missing[i] = missing.get(i, 0) + 1
        problems += [f"{i}: missing from {n} of its lookup sets" for i, n in missing.items()]
        sets = [key for pattern in (self._k("b", "*"), self._k("n", "*"), self._k("l", "*")) for key in self.r.scan_iter(match=pattern, count=5000)]
        for k in range(0, len(sets), 1000):
            pipe = self.r.pipeline(transaction=False)
            for key in sets[k : k + 1000]:
                pipe.smembers(key)
            for key, members in zip(sets[k : k + 1000], pipe.execute()):
                strays = {m.decode() for m in members} - known
                if strays:
                    problems.append(f"{key.decode()} names {len(strays)} articles not in the index")
                if key.decode().startswith(self._k("l", "")):
                    line = int(key.decode()[len(self._k("l", "")) :])
                    stale = [m.decode() for m in members if m.decode() in known and line not in lines_of.get(m.decode(), ())]
                    if stale:
                        problems.append(f"{key.decode()} names {len(stale)} articles that do not hold that line")
        record_prefix = self._k("a", "")
        for key in self.r.scan_iter(match=self._k("a", "*"), count=5000):
            if key.decode()[len(record_prefix) :] not in known:
                problems.append(f"{key.decode()}: a record not listed in {self._k('hashes')}")
        return problems

    def drop(self) -> int:
        """Delete every key of this index (its prefix); return how many keys were deleted."""
        count = 0
        for key in self.r.scan_iter(match=f"{self.prefix}:*", count=1000):
            count += int(self.r.delete(key))
        return count
