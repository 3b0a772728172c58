"""An index held in one process's memory (``memory://``): for the library, tests and
one-off checks. It stores the same encoded records as the persistent backends."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from ..config import Config
from ..models import IndexedArticle, IndexStats
from .base import Entry, Index, IndexMeta, outlet_counts
from .codec import decode_article, encode_article, stored_date, stored_keys, stored_lines

__all__ = ["MemoryIndex"]


class MemoryIndex(Index):
    def __init__(self, config: Config | None = None) -> None:
        self.url = "memory://"
        self.meta = IndexMeta.new(config or Config())
        self.config = self.meta.config
        self._articles: dict[str, dict[str, Any]] = {}
        self._bands: dict[int, set[str]] = {}
        self._anchors: dict[int, set[str]] = {}
        self._lines: dict[int, set[str]] = {}
        self._lock = threading.RLock()

    def _unfile(self, article_id: str) -> bool:
        fields = self._articles.pop(article_id, None)
        if fields is None:
            return False
        keys, hashes = stored_keys(fields)
        for table, values in ((self._bands, keys), (self._anchors, hashes), (self._lines, stored_lines(fields["meta"]))):
            for v in values:
                members = table.get(v)
                if members is not None:
                    members.discard(article_id)
                    if not members:
                        del table[v]
        return True

    def put(self, entries: Sequence[Entry], *, keep_text: bool = True) -> list[str]:
        with self._lock:
            replaced = [i for i in dict.fromkeys(e.article.id for e in entries) if self._unfile(i)]
            for entry in entries:
                self._unfile(entry.article.id)  # a repeated id within one call: the last wins
                fields = encode_article(entry, keep_text=keep_text)
                fields["outlet"] = entry.article.outlet
                fields["content_hash"] = entry.article.content_hash
                self._articles[entry.article.id] = fields
                for k in entry.band_keys:
                    self._bands.setdefault(k, set()).add(entry.article.id)
                for h in entry.anchors:
                    self._anchors.setdefault(h, set()).add(entry.article.id)
                for line in entry.filed_lines:
                    self._lines.setdefault(line, set()).add(entry.article.id)
            return replaced

    def delete(self, ids: Iterable[str]) -> list[str]:
        with self._lock:
            return [i for i in dict.fromkeys(ids) if self._unfile(i)]

    def get_many(self, ids: Iterable[str], *, text: bool = False) -> dict[str, IndexedArticle]:
        with self._lock:
            return {i: decode_article(self._articles[i], with_text=text) for i in dict.fromkeys(ids) if i in self._articles}

    def content_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        with self._lock:
            return {i: self._articles[i]["content_hash"] for i in ids if i in self._articles}

    def lookup(self, band_keys: Sequence[int], anchors: Sequence[int], max_anchor_docs: int) -> tuple[set[str], dict[str, int]]:
        with self._lock:
            by_band: set[str] = set()
            for k in band_keys:
                by_band |= self._bands.get(k, set())
            shared: dict[str, int] = {}
            for h in dict.fromkeys(anchors):
                members = self._anchors.get(h, set())
                if len(members) <= max_anchor_docs:
                    for m in members:
                        shared[m] = shared.get(m, 0) + 1
            return by_band, shared

    def holders(self, anchors: Sequence[int], limit: int) -> list[tuple[int, list[str]]]:
        with self._lock:
            return [(len(members), sorted(members)[:limit]) for members in (self._anchors.get(h, set()) for h in anchors)]

    def line_holders(self, keys: Sequence[int], limit: int | None = None) -> list[list[str]]:
        with self._lock:
            held = [self._lines.get(k, set()) for k in keys]
            return [sorted(h) if limit is None or len(h) <= limit else [] for h in held]

    def dates(self, ids: Iterable[str]) -> dict[str, datetime | None]:
        with self._lock:
            return {i: stored_date(self._articles[i]["meta"]) for i in dict.fromkeys(ids) if i in self._articles}

    def ids(self) -> Iterator[str]:
        with self._lock:
            return iter(sorted(self._articles))

    def __len__(self) -> int:
        return len(self._articles)

    def stats(self) -> IndexStats:
        with self._lock:
            outlets = outlet_counts(f["outlet"] for f in self._articles.values())
            with_text = sum(1 for f in self._articles.values() if f["text"] is not None)
        return IndexStats(self.url, len(self._articles), with_text, outlets, self.meta.schema_version, self.config.index_fingerprint(), self.meta.created_by)

    def close(self) -> None:
        pass
