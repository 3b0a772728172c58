"""What every index backend stores and answers (the stored record layout is in
:mod:`dedupe.index.codec`).

An index is a durable store of articles (metadata, shingle set, signature, citations and,
unless kept out, raw text) plus three lookup tables built from them: LSH band keys, anchors and
text lines (per outlet: what a check learns page furniture from). The lines came with schema
version 2: a backend opening a version 1 index migrates it (files every article under the lines
it stored, or none: an article filed by a version without lines has none until it is added again
with ``dedupe index add --force``).
The lookup tables are derived data: each entry stores the keys it was filed under, so it can
be unfiled exactly when the article is replaced or removed.

Backends implement storage only; cleaning, hashing, verification and the verdict live in
:mod:`dedupe.pipeline`, so every backend gives the same answers on the same articles.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType

import xxhash

from .._version import __version__
from ..config import Config
from ..errors import IndexIncompatible
from ..models import IndexedArticle, IndexStats

__all__ = ["MIGRATES_FROM", "SCHEMA_VERSION", "Entry", "Index", "IndexMeta", "line_keys", "sentence_keys"]

SCHEMA_VERSION = 2
"""Version of the stored layout. Raise it when the layout changes, and give each backend a
migration from the previous version (or a clear refusal). 2: articles are filed under their
text lines (a version 1 dedupe would leave them behind when it replaced an article)."""

MIGRATES_FROM = 1
"""The oldest schema version a backend migrates to :data:`SCHEMA_VERSION` when it opens it."""


@dataclass(frozen=True, slots=True)
class Entry:
    """An article to file, with the keys it is filed under."""

    article: IndexedArticle
    band_keys: Sequence[int]
    anchors: Sequence[int]
    lines: Sequence[int] = ()
    """Its text lines, each as the key it is filed under for its outlet (:func:`line_keys`): what
    page furniture is learned from as articles arrive."""
    sentences: Sequence[int] = ()
    """Its sentences' keys (:func:`sentence_keys`), filed beside the lines: what a check finds
    rewritten copies by (:mod:`dedupe.sentences`)."""

    @property
    def filed_lines(self) -> list[int]:
        """Every key it is filed under in the lines table: its lines' and its sentences'."""
        return [*self.lines, *self.sentences]


@dataclass(frozen=True, slots=True)
class IndexMeta:
    """What an index records about itself when it is created."""

    schema_version: int
    config: Config
    created_by: str
    fingerprint: str = ""
    """The index fingerprint recorded when the index was made (hashing version included)."""

    def to_json(self) -> dict[str, str]:
        return {
            "schema_version": str(self.schema_version),
            "config": json.dumps(self.config.to_stored(), sort_keys=True),
            "index_fingerprint": self.config.index_fingerprint(),
            "created_by": self.created_by,
        }

    @classmethod
    def new(cls, config: Config) -> IndexMeta:
        return cls(SCHEMA_VERSION, config, f"dedupe-arabic-news {__version__}", config.index_fingerprint())

    @classmethod
    def from_json(cls, raw: Mapping[str, str], where: str) -> IndexMeta:
        try:
            version = int(raw["schema_version"])
        except (KeyError, ValueError):
            raise IndexIncompatible(f"{where} is not a dedupe index (no schema version in its metadata)") from None
        if version > SCHEMA_VERSION:
            raise IndexIncompatible(
                f"{where} was written by a newer dedupe ({raw.get('created_by', 'unknown version')}, index schema "
                f"{version}); this is dedupe-arabic-news {__version__}, which reads schema {SCHEMA_VERSION}: upgrade the package"
            )
        if version < MIGRATES_FROM:
            raise IndexIncompatible(
                f"{where} uses index schema {version}, which this version cannot migrate (it reads {SCHEMA_VERSION}): "
                "rebuild it with `dedupe index export` from the old version and `dedupe index add`"
            )
        # A version from MIGRATES_FROM on is returned as it is: the backend migrates it.
        return cls(version, Config.from_dict(json.loads(raw["config"])), raw.get("created_by", ""), raw.get("index_fingerprint", ""))

    def settle(self, wanted: Config | None, where: str) -> Config:
        """The config to work with: the index's own, or ``wanted`` when it files articles the
        same way (thresholds that only affect verification may differ)."""
        if self.fingerprint != self.config.index_fingerprint():
            raise IndexIncompatible(
                f"{where} was built by a version of dedupe that hashed tokens differently ({self.created_by}): its "
                "signatures cannot be compared with new ones. Rebuild it: `dedupe index export` it with that version "
                "(or re-read the original articles) and `dedupe index add` them to a new index"
            )
        if wanted is None:
            return self.config
        if wanted.index_fingerprint() != self.config.index_fingerprint():
            stored = self.config
            raise IndexIncompatible(
                f"{where} was built with other shingling/LSH settings (shingle_size={stored.shingle_size}, "
                f"num_perm={stored.num_perm}, seed={stored.seed}, bands×rows={stored.lsh_bands}×{stored.lsh_rows}, "
                f"anchor_modulus={stored.anchor_modulus}) than asked for: open it without those options, or build a new index"
            )
        return wanted


class Index(ABC):
    """A persistent index of articles. Open one with :func:`dedupe.open_index`.

    Writes are atomic per call: after :meth:`put` returns, every entry it was given is stored
    (and survives a crash of the process); if it raises or the process dies during it, none
    is. Adding an id that is already stored replaces it.
    """

    url: str
    config: Config
    meta: IndexMeta

    @abstractmethod
    def put(self, entries: Sequence[Entry], *, keep_text: bool = True) -> list[str]:
        """File the entries, replacing stored articles with the same ids; return the ids that
        were replaced."""

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> list[str]:
        """Remove articles; return the ids that were there."""

    @abstractmethod
    def get_many(self, ids: Iterable[str], *, text: bool = False) -> dict[str, IndexedArticle]:
        """The stored articles among ``ids`` (unknown ids are left out)."""

    @abstractmethod
    def content_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """The stored content hash of each known id among ``ids``."""

    @abstractmethod
    def lookup(self, band_keys: Sequence[int], anchors: Sequence[int], max_anchor_docs: int) -> tuple[set[str], dict[str, int]]:
        """Articles filed under any of ``band_keys``, and for each article the number of
        ``anchors`` it shares, counting only anchors filed for at most ``max_anchor_docs``
        articles (more make it a stock phrase)."""

    @abstractmethod
    def holders(self, anchors: Sequence[int], limit: int) -> list[tuple[int, list[str]]]:
        """For each of ``anchors`` (in their order), how many stored articles are filed under it
        and the ids of at most ``limit`` of them (the smallest)."""

    @abstractmethod
    def line_holders(self, keys: Sequence[int], limit: int | None = None) -> list[list[str]]:
        """For each of ``keys`` (:func:`line_keys`, :func:`sentence_keys`, in their order), the ids
        of the stored articles filed under it, sorted; none for a key filed under more than
        ``limit`` articles (a formula's sentence: not read at all)."""

    @abstractmethod
    def dates(self, ids: Iterable[str]) -> dict[str, datetime | None]:
        """The date of each stored article among ``ids`` (None when undated), without decoding
        the rest of it."""

    @abstractmethod
    def ids(self) -> Iterator[str]:
        """Every stored id, in a stable order."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def stats(self) -> IndexStats: ...

    @abstractmethod
    def close(self) -> None: ...

    def get(self, article_id: str, *, text: bool = True) -> IndexedArticle | None:
        return self.get_many([article_id], text=text).get(article_id)

    def export(self, *, text: bool = True, batch: int = 500) -> Iterator[IndexedArticle]:
        """Every stored article, in id order."""
        pending: list[str] = []
        for article_id in self.ids():
            pending.append(article_id)
            if len(pending) >= batch:
                found = self.get_many(pending, text=text)
                yield from (found[i] for i in pending if i in found)
                pending = []
        if pending:
            found = self.get_many(pending, text=text)
            yield from (found[i] for i in pending if i in found)

    def __enter__(self) -> Index:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def line_keys(outlet: str, keys: Iterable[int]) -> list[int]:
    """The keys an article's text lines (:attr:`dedupe.prepare.Prepared.line_keys`) are filed
    under: one outlet's lines apart from another's, as signed 64-bit integers (what SQLite
    stores). An article without an outlet files none: pooling sources would make a story copied
    by others look like furniture."""
    if not outlet.strip():
        return []
    return _salted(keys, xxhash.xxh3_64_intdigest(outlet.casefold().encode("utf-8")))  # one outlet as a scan groups them


def _salted(keys: Iterable[int], salt: int) -> list[int]:
    """Unsigned 64-bit keys XORed with ``salt``, as the signed 64-bit integers SQLite stores."""
    filed = (int(k) ^ salt for k in keys)
    return [v - (1 << 64) if v >= 1 << 63 else v for v in filed]


_SENTENCE_SALT = xxhash.xxh3_64_intdigest(b"\x00sentence")
"""Sets a sentence key apart from every outlet's line keys in the one table."""


def sentence_keys(keys: Iterable[int]) -> list[int]:
    """The keys an article's sentences (:attr:`dedupe.sentences.Filed.keys`) are filed under, in
    the lines table, as signed 64-bit integers (distinct, in their first order)."""
    return list(dict.fromkeys(_salted(keys, _SENTENCE_SALT)))


def outlet_counts(outlets: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outlet in outlets:
        counts[outlet] = counts.get(outlet, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
