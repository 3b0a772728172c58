"""The only module that wires the stages together.

    read → clean → tokens → shingle sets ─┐
                 (raw text spooled to disk) │
    learn outlet boilerplate ← ────────────┘
    → signatures → candidates (LSH ∪ anchors) → exact verification → relations
    → passages (raw spans, from the spool) → clusters, headline groups → Report

Memory holds per document only its metadata, its distinct shingle hashes and its signature;
raw text goes to a temporary spool file and is read back only for documents in a verified
pair. Progress is reported through a callback: ``progress(stage, done, total)``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import xxhash

from .candidates import anchor_codes_of_sets, anchors_of, band_keys, counted_in_place, decode, lsh_codes, united_codes
from .clean import clean
from .cluster import headline_groups
from .config import Config
from . import _memory
from . import documents as _documents
from .errors import DocumentSkipped, InputError
from .index import Entry, Index
from .models import (
    AddResult, CheckResult, Document, DocumentSummary, Finding, IndexedArticle, InputProblem, Match, Pair, Passage,
    Provenance, Reason, Relation, Report,
)
from .policy import Policy, strictest
from .citations import extract
from .provenance import ArticleInfo, article_info, credit_for
from .registry import Registry, default_registry
from .normalize import token_offsets, tokenize
from .graph import ColumnPairs, DocumentTable, PairColumns, cluster_table, link_table, pair_of, report_order
from .pairstore import PairStore
from .ragged import Ragged
from .shingles import TokenHasher, shingle_set
from .signatures import permutations, signatures
from .verify import (
    Located, Scores, cross_counts, is_template, jaccards, locate, locate_lines, passages, relation_codes, relation_of,
    score, shared_counts, weekday_mask_of_hashes,
)

__all__ = ["Progress", "scan", "scan_documents", "compare", "prepare", "content_hash", "index_documents", "check"]

Progress = Callable[[str, int, int | None], None]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a scan keeps of one document after cleaning and shingling (small enough to send
    between processes; the raw text is not in it)."""

    findings: tuple[Finding, ...]
    tokens: int
    shingles: U32
    vocab: U64
    """Distinct token hashes."""
    numbers: U64
    """Distinct hashes of the tokens that hold digits."""
    title_tokens: tuple[str, ...]
    weekdays: int
    """Bit mask of the weekdays the text names."""
    provenance: Provenance | None = None
    located: Located | None = None
    """Where each hashed token sits in the raw text (for passages), when a registry was given."""
    spooled: bytes | None = None
    """The document as the scan's spool stores it (encoded in the worker that prepared it, so
    the process reading the input only writes bytes)."""


def prepare(
    doc: Document, config: Config, hasher: TokenHasher | None = None, registry: Registry | None = None, *, locate_tokens: bool = False,
) -> Prepared:
    """Clean and shingle one document (and find its citations when given a source registry);
    raise :class:`DocumentSkipped` when it cannot be scanned. ``locate_tokens`` (with a
    registry) also records where each hashed token sits in the raw text, for passages."""
    size = len(doc.text) + len(doc.title)
    if size > config.max_chars:
        raise DocumentSkipped("too_large", f"{size:,} characters > max_chars {config.max_chars:,}")
    if not doc.text.strip():
        raise DocumentSkipped("empty", "no text")
    # With a registry, the text's token offsets serve both cleaning and citation finding.
    offsets = token_offsets(doc.text) if registry is not None else None
    cleaned = clean(doc, offsets)
    tokens = cleaned.tokens
    if len(tokens) < config.min_tokens:
        raise DocumentSkipped("too_short", f"{len(tokens)} words after cleaning < min_tokens {config.min_tokens}")
    hasher = hasher or TokenHasher()
    hashes, numeric = hasher.with_numbers(tokens)
    vocab = np.unique(hashes)
    return Prepared(
        cleaned.findings,
        len(tokens),
        shingle_set(hashes, config.shingle_size, config.min_shingle_size),
        vocab,
        np.unique(hashes[numeric]),
        tuple(tokenize(doc.title)),
        weekday_mask_of_hashes(vocab),
        None if registry is None else extract(
            doc, registry, stripped_credit=any(f.kind == "stripped_credit" for f in cleaned.findings), text_offsets=offsets
        ),
        locate_lines(doc, cleaned.lines, offsets, config, hasher, hashes) if locate_tokens and offsets is not None else None,
    )


class _Spool:
    """Raw documents on disk (with where their tokens sit, when known), so memory does not grow
    with the text already read."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="dedupe-spool-")
        self._offsets = array("q")
        self._lengths = array("q")
        self._end = 0
        self._dirty = False

    def add(self, doc: Document, located: Located | None = None) -> None:
        self.add_encoded(self.encode(doc, located))

    def add_encoded(self, payload: bytes) -> None:
        self._offsets.append(self._end)
        self._lengths.append(len(payload))
        self._file.write(payload)
        self._end += len(payload)
        self._dirty = True

    @staticmethod
    def encode(doc: Document, located: Located | None = None) -> bytes:
        header: list[object] = [doc.title, doc.text]
        arrays = b""
        if located is not None:
            header += [located.n, len(located.starts), len(located.shingles)]
            arrays = (
                located.starts.astype("<i4").tobytes() + located.ends.astype("<i4").tobytes()
                + located.in_title.astype(np.bool_).tobytes() + located.shingles.astype("<u4").tobytes()
            )
        head = json.dumps(header, ensure_ascii=False).encode("utf-8")
        return zlib.compress(len(head).to_bytes(4, "little") + head + arrays, 1)

    def record(self, index: int) -> bytes:
        """The stored record of document ``index``, as :meth:`encode` made it."""
        if self._dirty:
            self._file.flush()
            self._dirty = False
        offset, length = self._offsets[index], self._lengths[index]
        if hasattr(os, "pread"):
            return os.pread(self._file.fileno(), length, offset)
        self._file.seek(offset)  # no pread (Windows)
        data = self._file.read(length)
        self._file.seek(0, 2)
        return data

    def read(self, index: int) -> tuple[str, str, Located | None]:
        return self.decode(self.record(index))

    @staticmethod
    def decode(record: bytes) -> tuple[str, str, Located | None]:
        raw = zlib.decompress(record)
        size = int.from_bytes(raw[:4], "little")
        header = json.loads(raw[4 : 4 + size])
        if len(header) == 2:
            return header[0], header[1], None
        title, text, n, tokens, shingles = header
        body = memoryview(raw)[4 + size :]
        starts = np.frombuffer(body[: 4 * tokens], dtype="<i4").astype(np.int32)
        ends = np.frombuffer(body[4 * tokens : 8 * tokens], dtype="<i4").astype(np.int32)
        in_title = np.frombuffer(body[8 * tokens : 9 * tokens], dtype=np.bool_).copy()
        sh = np.frombuffer(body[9 * tokens : 9 * tokens + 4 * shingles], dtype="<u4").astype(np.uint32)
        return title, text, Located(starts, ends, in_title, sh, n)

    def text(self, index: int) -> tuple[str, str]:
        title, text, _ = self.read(index)
        return title, text

    def close(self) -> None:
        self._file.close()


class _FactFile:
    """Per document, its distinct token hashes and its numbers' hashes (sorted uint64 arrays),
    raw in a temporary file: written once while reading, read back by the template test."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="dedupe-facts-")
        self._offsets = array("q")
        self._sizes = array("l")  # vocabulary sizes; the numbers follow the vocabulary
        self._numbers = array("l")
        self._end = 0
        self._dirty = False

    def add(self, vocab: U64, numbers: U64) -> None:
        data = np.ascontiguousarray(vocab, dtype="<u8").tobytes() + np.ascontiguousarray(numbers, dtype="<u8").tobytes()
        self._file.write(data)
        self._offsets.append(self._end)
        self._sizes.append(len(vocab))
        self._numbers.append(len(numbers))
        self._end += len(data)
        self._dirty = True

    def __len__(self) -> int:
        return len(self._offsets)

    def read(self, index: int) -> tuple[U64, U64]:
        if self._dirty:
            self._file.flush()
            self._dirty = False
        size, numbers = self._sizes[index], self._numbers[index]
        length = 8 * (size + numbers)
        if hasattr(os, "pread"):
            data = os.pread(self._file.fileno(), length, self._offsets[index])
        else:  # no pread (Windows)
            self._file.seek(self._offsets[index])
            data = self._file.read(length)
            self._file.seek(0, 2)
        both = np.frombuffer(data, dtype="<u8").astype(np.uint64)
        return both[:size], both[size:]

    def close(self) -> None:
        self._file.close()


class _DocumentFrequency:
    """How many documents hold each token hash, counted as documents are read (partial counts
    are merged every few million hashes, so memory grows with the vocabulary, not the corpus)."""

    _MERGE = 4_000_000

    def __init__(self) -> None:
        self.values = np.empty(0, dtype=np.uint64)
        self.counts = np.empty(0, dtype=np.int64)
        self._pending: list[U64] = []
        self._pending_size = 0

    def add(self, vocab: U64) -> None:
        self._pending.append(vocab)
        self._pending_size += len(vocab)
        if self._pending_size >= self._MERGE:
            self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        values, counts = np.unique(np.concatenate(self._pending), return_counts=True)
        self._pending, self._pending_size = [], 0
        merged, where = np.unique(np.concatenate([self.values, values]), return_inverse=True)
        self.counts = np.bincount(where, weights=np.concatenate([self.counts, counts]), minlength=len(merged)).astype(np.int64)
        self.values = merged

    def result(self) -> tuple[U64, npt.NDArray[np.int64]]:
        self._merge()
        return self.values, self.counts


@dataclass
class _Corpus:
    docs: list[Document] = field(default_factory=list)
    """Documents with their raw text replaced by empty strings (the text is in the spool)."""
    findings: list[list[Finding]] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    shingles: Ragged = field(default_factory=lambda: Ragged(np.uint32))
    facts: _FactFile = field(default_factory=lambda: _FactFile())
    """Each document's distinct token hashes and number hashes, on disk (only the template
    test reads them, for the pairs it looks at)."""
    document_frequency: _DocumentFrequency = field(default_factory=lambda: _DocumentFrequency())
    weekdays: list[int] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)
    skipped: list[DocumentSummary] = field(default_factory=list)


def _learn_boilerplate(corpus: _Corpus, config: Config) -> U32:
    """Shingles found in a large share of one outlet's documents: that outlet's furniture."""
    by_outlet: dict[str, list[int]] = {}
    for i, doc in enumerate(corpus.docs):
        by_outlet.setdefault(doc.outlet.lower(), []).append(i)
    found: list[U32] = []
    for outlet, members in by_outlet.items():
        # Without an outlet, documents from many sources would be pooled, and a story copied
        # by several of them would look like furniture: learn nothing then.
        if not outlet or len(members) < config.boilerplate_min_outlet_docs:
            continue
        values, counts = counted_in_place(np.concatenate([corpus.shingles[i] for i in members]))
        floor = max(config.boilerplate_min_docs, int(np.ceil(config.boilerplate_fraction * len(members))))
        found.append(values[counts >= floor])
    return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.uint32)


_MEMBERSHIP_BLOCK = 2_000_000


def _remove_boilerplate(corpus: _Corpus, boilerplate: U32) -> None:
    if len(boilerplate) == 0 or len(corpus.shingles) == 0:
        return
    values, starts = corpus.shingles.values, corpus.shingles.starts
    # Membership a block at a time (np.isin over every value would sort them all with indices).
    bp = np.sort(boilerplate)
    hit = np.empty(len(values), dtype=np.bool_)
    for lo in range(0, len(values), _MEMBERSHIP_BLOCK):
        part = values[lo : lo + _MEMBERSHIP_BLOCK]
        at = np.searchsorted(bp, part)
        at[at == len(bp)] = 0
        hit[lo : lo + len(part)] = bp[at] == part
    lengths = np.diff(starts)
    removed = corpus.shingles.count_per_array(hit)
    # A document that would lose most of its text shares it with many others of its
    # outlet: it is a much-copied story, not furniture around one.
    spared = (removed == 0) | (removed * 2 > lengths)
    for i in np.flatnonzero(spared & (removed > 0)).tolist():  # few: documents mostly made of boilerplate
        hit[starts[i] : starts[i + 1]] = False
    np.logical_not(hit, out=hit)
    corpus.shingles.keep(hit)
    del hit
    for i in np.flatnonzero(~spared & (removed >= 3)).tolist():
        n = int(removed[i])
        corpus.findings[i].append(Finding("outlet_boilerplate", f"{n} shingles of outlet-wide boilerplate not hashed", n))


class _Facts:
    """Numbers and rare words of each document; rare is judged by document frequency."""

    def __init__(self, corpus: _Corpus, config: Config) -> None:
        self.corpus = corpus
        self.values, self.df = corpus.document_frequency.result()
        scanned = len(corpus.facts)
        self.max_df = config.fact_max_df or max(3, scanned // 500)
        # In a small corpus every word is rare and a story's own words are as rare as a
        # template's slots: document frequency says nothing there, so no facts are drawn.
        self.enabled = scanned >= config.template_min_corpus

    def of(self, i: int) -> U64:
        if not self.enabled:
            return np.empty(0, dtype=np.uint64)
        vocab, numbers = self.corpus.facts.read(i)
        df = self.df[np.searchsorted(self.values, vocab)]
        return np.union1d(vocab[df <= self.max_df], numbers)

    def vocab(self, i: int) -> U64:
        return self.corpus.facts.read(i)[0]


def _hash_batch(
    docs: list[Document], config: Config, registry: Registry | None, locate_tokens: bool = False, spool: bool = False,
) -> list[Prepared | DocumentSkipped]:
    """Prepare a batch; with ``spool``, each prepared document also carries its spool record
    (and no longer its located tokens, which the record holds)."""
    hasher = _worker_hasher()
    out: list[Prepared | DocumentSkipped] = []
    for doc in docs:
        try:
            prepared = prepare(doc, config, hasher, registry, locate_tokens=locate_tokens)
        except DocumentSkipped as skip:
            out.append(skip)
            continue
        if spool:
            prepared = replace(prepared, located=None, spooled=_Spool.encode(doc, prepared.located))
        out.append(prepared)
    return out


_HASHER: TokenHasher | None = None


def _worker_hasher() -> TokenHasher:
    global _HASHER
    if _HASHER is None:
        _HASHER = TokenHasher()
    return _HASHER


_BATCH = 256


def _batches(documents: Iterable[Document]) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in documents:
        batch.append(doc)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _prepared_stream(
    documents: Iterable[Document], config: Config, jobs: int, registry: Registry | None, locate_tokens: bool = False,
    spool: bool = False,
) -> Iterator[tuple[Document, Prepared | DocumentSkipped]]:
    """Documents with their hashed form, in input order. With several jobs, a bounded number of
    batches is in flight, so memory stays flat however long the input is."""
    workers = (os.cpu_count() or 1) if jobs == 0 else jobs
    if workers <= 1:
        for batch in _batches(documents):
            yield from zip(batch, _hash_batch(batch, config, registry, locate_tokens, spool))
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[tuple[list[Document], Future[list[Prepared | DocumentSkipped]]]] = deque()
        for batch in _batches(documents):
            pending.append((batch, pool.submit(_hash_batch, batch, config, registry, locate_tokens, spool)))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield from zip(done, future.result())
        while pending:
            done, future = pending.popleft()
            yield from zip(done, future.result())


def _article_info(corpus: _Corpus, registry: Registry) -> Callable[[int], ArticleInfo]:
    def info(i: int) -> ArticleInfo:
        return article_info(corpus.provenance[i], corpus.docs[i].outlet, corpus.docs[i].date, registry)

    return info


def _summary(doc: Document, findings: Sequence[Finding], tokens: int, shingles: int, skipped: str | None = None) -> DocumentSummary:
    return DocumentSummary(doc.id, doc.title, doc.outlet, doc.date, doc.origin, tokens, shingles, tuple(findings), skipped)


def scan_documents(
    documents: Iterable[Document],
    config: Config | None = None,
    *,
    progress: Progress | None = None,
    problems: Sequence[InputProblem] = (),
    jobs: int = 1,
    registry: Registry | None = None,
) -> Report:
    """Scan documents for near-duplicates, partial copies and repeated headlines.

    ``jobs`` > 1 cleans and hashes documents in that many worker processes (0: one per core);
    the report is identical whatever the number. ``registry`` names the sources citations are
    looked for (default: the shipped one).
    """
    registry = registry or default_registry()
    config = config or Config()
    progress = progress or _no_progress
    _memory.settle()
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    corpus = _Corpus()
    spool = _Spool()
    title_tokens: list[tuple[str, str]] = []  # (id, normalized title): one string, not a tuple of words
    try:
        read = 0
        for doc, outcome in _prepared_stream(
            documents, config, jobs, registry, locate_tokens=config.max_passages > 0, spool=True,
        ):
            read += 1
            if read % 500 == 0:
                progress("read", read, None)
            if isinstance(outcome, DocumentSkipped):
                corpus.skipped.append(_summary(doc, [Finding("skipped", str(outcome))], 0, 0, outcome.reason))
                continue
            assert outcome.spooled is not None
            spool.add_encoded(outcome.spooled)
            # Kept per document: what the report and the later stages read (the text is in the spool).
            corpus.docs.append(replace(doc, text="", author="", url="", outlet=sys.intern(doc.outlet)))
            corpus.findings.append(list(outcome.findings))
            corpus.tokens.append(outcome.tokens)
            corpus.shingles.append(outcome.shingles)
            corpus.facts.add(outcome.vocab, outcome.numbers)
            corpus.document_frequency.add(outcome.vocab)
            corpus.weekdays.append(outcome.weekdays)
            corpus.provenance.append(outcome.provenance or Provenance())
            title_tokens.append((doc.id, " ".join(outcome.title_tokens)))
        progress("read", read, read)
        timings["read_clean_shingle"] = time.perf_counter() - clock
        _memory.trim()

        clock = time.perf_counter()
        headlines = headline_groups(
            ((doc_id, title.split()) for doc_id, title in title_tokens), config.headline_similarity, config.headline_min_tokens
        )
        del title_tokens
        timings["headlines"] = time.perf_counter() - clock

        clock = time.perf_counter()
        _remove_boilerplate(corpus, _learn_boilerplate(corpus, config))
        timings["boilerplate"] = time.perf_counter() - clock
        _memory.trim()

        clock = time.perf_counter()
        perms = permutations(config.num_perm, config.seed)
        sigs = signatures(corpus.shingles, perms)
        progress("signatures", len(corpus.docs), len(corpus.docs))
        timings["signatures"] = time.perf_counter() - clock

        # What candidate_pairs does, with each input freed as soon as it is used.
        clock = time.perf_counter()
        n = len(corpus.docs)
        lsh = lsh_codes(sigs, config) if n >= 2 else np.empty(0, dtype=np.int64)
        del sigs
        anchored = anchor_codes_of_sets(corpus.shingles.values, corpus.shingles.starts, config) if n >= 2 else np.empty(0, dtype=np.int64)
        cands, counts = united_codes(lsh, anchored)  # sorted codes i * n + j: 8 bytes a candidate
        del lsh, anchored
        timings["candidates"] = time.perf_counter() - clock
        _memory.trim()

        clock = time.perf_counter()
        verified = _verify(corpus, cands, config, progress)
        del cands
        timings["verify"] = time.perf_counter() - clock
        _memory.trim()

        clock = time.perf_counter()
        rank = _id_ranks(corpus.docs)
        pairs: PairStore | ColumnPairs
        if config.max_passages:
            pairs = PairStore()
            _with_passages(verified, corpus, spool, config, progress, jobs, pairs, rank)
            order = pairs.seal().order
        else:  # no passages asked for: the raw text is not read back, and pairs are read from their columns
            order = report_order(verified, np.asarray(rank, dtype=np.int64))
            pairs = ColumnPairs(verified, corpus.docs, order)
        timings["passages"] = time.perf_counter() - clock
    finally:
        spool.close()
        corpus.facts.close()
    shingle_counts = corpus.shingles.lengths()
    corpus.shingles = Ragged(np.uint32)  # the sets are not needed past this point

    # Clusters and copy links are computed over the verified columns; the report builds each
    # cluster and document summary from them when it is read.
    clock = time.perf_counter()
    progress("cluster", 0, None)
    clusters = cluster_table(verified, order, corpus.docs, config.cluster_min_linkage)
    del order
    timings["cluster"] = time.perf_counter() - clock

    clock = time.perf_counter()
    progress("provenance_links", 0, None)
    links = link_table(
        verified, corpus.docs, np.asarray(rank, dtype=np.int64), _article_info(corpus, registry),
        registry.is_agency,
    )
    timings["provenance_links"] = time.perf_counter() - clock
    summaries = DocumentTable(
        corpus.docs, corpus.findings, corpus.tokens, shingle_counts, corpus.provenance, links, corpus.skipped
    )
    return Report(
        documents=summaries,
        pairs=pairs,
        clusters=clusters,
        headline_groups=tuple(headlines),
        problems=tuple(problems),
        config={**config.to_dict(), "fingerprint": config.fingerprint()},
        timings={**timings, **{f"candidates_{k}": float(v) for k, v in counts.items()}},
    )


_VERIFY_CHUNK = 1_000_000
_TEMPLATE_CHUNK = 100_000


def _verify(corpus: _Corpus, cands: npt.NDArray[np.int64], config: Config, progress: Progress) -> PairColumns:
    """Exact verification of the candidate pairs (sorted codes ``i * n + j``), a million at a
    time: shared shingle counts by a merge walk, relations from the counts, then the template
    test (different weekdays, or the smaller document's facts missing from the larger) on the
    pairs that need it. Only the verified pairs are kept, as 32-bit columns, ordered by first
    then second document (a chunk of passages then reads each document once or a few times)."""
    progress("verify", 0, len(cands))
    n_docs = len(corpus.docs)
    sizes = corpus.shingles.lengths()
    weekdays = np.asarray(corpus.weekdays, dtype=np.int64)
    facts: _Facts | None = None
    kept: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int8]]] = []
    for start in range(0, len(cands), _VERIFY_CHUNK):
        chunk = decode(cands[start : start + _VERIFY_CHUNK], n_docs)
        i, j = chunk[:, 0], chunk[:, 1]
        shared = shared_counts(corpus.shingles, chunk)
        codes = relation_codes(shared, sizes[i], sizes[j], config)
        maybe = np.flatnonzero((codes >= 0) & (jaccards(shared, sizes[i], sizes[j]) < config.template_max_jaccard))
        if len(maybe):
            facts = facts or _Facts(corpus, config)
            # A slice at a time: the test reads the documents' facts and vocabularies into memory.
            for lo in range(0, len(maybe), _TEMPLATE_CHUNK):
                _mark_templates(codes, maybe[lo : lo + _TEMPLATE_CHUNK], i, j, sizes, weekdays, facts, config)
        keep = np.flatnonzero(codes >= 0)
        kept.append((i[keep].astype(np.int32), j[keep].astype(np.int32), shared[keep].astype(np.int32), codes[keep]))
        progress("verify", start + len(chunk), len(cands))
    progress("verify", len(cands), len(cands))
    if not kept:
        none = np.empty(0, dtype=np.int32)
        return PairColumns(none, none, none, none, none, np.empty(0, dtype=np.int8))
    a, b, n, code = (np.concatenate(column) for column in zip(*kept))
    del kept
    return PairColumns(a, b, n, sizes[a].astype(np.int32), sizes[b].astype(np.int32), code)


def _mark_templates(
    codes: npt.NDArray[np.int8], maybe: npt.NDArray[np.int64], i: npt.NDArray[np.int64], j: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64], weekdays: npt.NDArray[np.int64], facts: _Facts, config: Config,
) -> None:
    """Set the relation of the pairs ``maybe`` (indices into ``i``, ``j`` and ``codes``) that are
    templates: different weekdays named, or too few of the smaller document's facts in the larger."""
    wi, wj = weekdays[i[maybe]], weekdays[j[maybe]]
    template = (wi != 0) & (wj != 0) & ((wi & wj) == 0)
    rest = maybe[~template]
    small = np.where(sizes[i[rest]] <= sizes[j[rest]], i[rest], j[rest])
    large = np.where(sizes[i[rest]] <= sizes[j[rest]], j[rest], i[rest])
    fact_docs, fact_of = np.unique(small, return_inverse=True)
    fact_sets = [facts.of(int(d)) for d in fact_docs]
    counts = np.fromiter((len(f) for f in fact_sets), dtype=np.int64, count=len(fact_sets))[fact_of]
    enough = np.flatnonzero(counts >= config.template_min_facts)
    vocab_docs, vocab_of = np.unique(large[enough], return_inverse=True)
    found = cross_counts(
        fact_sets, [facts.vocab(int(d)) for d in vocab_docs], np.stack([fact_of[enough], vocab_of], axis=1).astype(np.int64),
    )
    slot = np.zeros(len(rest), dtype=np.bool_)
    with np.errstate(divide="ignore", invalid="ignore"):
        slot[enough] = found.astype(np.float64) / counts[enough] < config.template_fact_overlap
    codes[maybe[template]] = 3
    codes[rest[slot]] = 3


def _passage_chunk(
    items: list[tuple[int, int, Scores, str]], metas: dict[int, Document], records: dict[int, bytes],
    sets: dict[int, U32], config: Config,
) -> list[Pair]:
    """Pairs with their passages for one chunk of verified pairs (runs in a worker process):
    the documents' spool records are decoded here, not in the process that reads them."""
    from . import _compiled

    hasher = _worker_hasher()
    compiled = _compiled.available()
    docs: dict[int, Document] = {}
    located: dict[int, Located] = {}
    for k, record in records.items():
        title, text, loc = _Spool.decode(record)
        docs[k] = replace(metas[k], text=text, title=title)
        located[k] = loc if loc is not None else locate(docs[k], config, hasher)
    out = []
    for i, j, s, relation in items:
        shared = np.intersect1d(sets[i], sets[j], assume_unique=True)
        found = passages(docs[i], docs[j], shared, config, hasher, (located[i], located[j]), compiled=compiled) if config.max_passages else ()
        out.append(pair_of(docs[i].id, docs[j].id, relation, s, found))  # type: ignore[arg-type]
    return out


_PASSAGE_CHUNK = 2000


def _id_ranks(docs: Sequence[Document]) -> list[int]:
    """Each document's rank in the order of the ids (equal ids share one), for sorting pairs
    as their ids sort without keeping an id tuple per pair."""
    order = sorted(range(len(docs)), key=lambda k: docs[k].id)
    rank = [0] * len(docs)
    current = -1
    previous: str | None = None
    for k in order:
        if docs[k].id != previous:
            current += 1
            previous = docs[k].id
        rank[k] = current
    return rank


def _with_passages(
    verified: PairColumns,
    corpus: _Corpus,
    spool: _Spool,
    config: Config,
    progress: Progress,
    jobs: int,
    store: PairStore,
    rank: Sequence[int],
) -> None:
    """Locate the shared passages of every verified pair, in chunks (in worker processes when
    ``jobs`` > 1), and add the pairs to ``store``. Pairs come ordered by their first document,
    so a chunk reads each document once or a few times; only a few chunks' raw text and
    passages are in memory at any time."""
    bounds = [(k, min(k + _PASSAGE_CHUNK, len(verified))) for k in range(0, len(verified), _PASSAGE_CHUNK)]

    def payload(
        chunk: list[tuple[int, int, Scores, str]],
    ) -> tuple[list[tuple[int, int, Scores, str]], dict[int, Document], dict[int, bytes], dict[int, U32]]:
        metas: dict[int, Document] = {}
        records: dict[int, bytes] = {}
        sets: dict[int, U32] = {}
        for i, j, _, _ in chunk:
            for k in (i, j):
                if k not in records:
                    records[k] = spool.record(k)
                    metas[k] = corpus.docs[k]
                    sets[k] = corpus.shingles[k]
        return chunk, metas, records, sets

    def keep(chunk_bounds: tuple[int, int], found: list[Pair]) -> None:
        start, stop = chunk_bounds
        for i, j, pair in zip(verified.a[start:stop].tolist(), verified.b[start:stop].tolist(), found):
            store.add(pair, rank[i], rank[j])
        progress("passages", len(store), len(verified))

    workers = (os.cpu_count() or 1) if jobs == 0 else jobs
    if workers <= 1 or len(bounds) <= 1:
        for start, stop in bounds:
            keep((start, stop), _passage_chunk(*payload(verified.rows(start, stop)), config))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            pending: deque[tuple[tuple[int, int], Future[list[Pair]]]] = deque()
            for start, stop in bounds:
                pending.append(((start, stop), pool.submit(_passage_chunk, *payload(verified.rows(start, stop)), config)))
                if len(pending) >= 2 * workers:
                    done, future = pending.popleft()
                    keep(done, future.result())
            while pending:
                done, future = pending.popleft()
                keep(done, future.result())
    progress("passages", len(verified), len(verified))


def scan(
    paths: Sequence[str | Path],
    config: Config | None = None,
    *,
    fields: "_documents.FieldMap | None" = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    on_problem: Callable[[InputProblem], None] | None = None,
    jobs: int = 1,
    registry: Registry | None = None,
) -> Report:
    """Read documents from files, directories or ``-`` (stdin) and scan them."""
    problems: list[InputProblem] = []

    def record(problem: InputProblem) -> None:
        problems.append(problem)
        if on_problem is not None:
            on_problem(problem)

    docs = _documents.iter_documents(paths, fields=fields or _documents.DEFAULT_FIELDS, encoding=encoding, on_problem=record)
    report = scan_documents(docs, config, progress=progress, jobs=jobs, registry=registry)
    return Report(
        report.documents, report.pairs, report.clusters, report.headline_groups, tuple(problems), report.config, report.timings
    )


def compare(a: Document, b: Document, config: Config | None = None) -> Pair | None:
    """The relation of two documents, with passages; None when they share nothing."""
    config = config or Config()
    hasher = TokenHasher()
    pa, pb = prepare(a, config, hasher), prepare(b, config, hasher)
    s = score(pa.shingles, pb.shingles)
    relation = relation_of(s, config)
    shared = np.intersect1d(pa.shingles, pb.shingles, assume_unique=True)
    if s.shared == 0:
        return None
    found = passages(a, b, shared, config, hasher)
    return pair_of(a.id, b.id, relation or "unrelated", s, found)




# ------------------------------------------------------------------------ persistent index and check


def content_hash(doc: Document) -> str:
    """A hash of the raw fields of ``doc``: adding an article whose hash is already stored
    under its id changes nothing."""
    payload = json.dumps(
        [doc.id, doc.title, doc.text, doc.outlet, doc.date.isoformat() if doc.date else None, doc.author, doc.url, doc.title_in_text],
        ensure_ascii=False,
    )
    return xxhash.xxh3_128_hexdigest(payload.encode("utf-8"))


def _entries(done: list[tuple[Document, Prepared]], config: Config) -> list[Entry]:
    perms = permutations(config.num_perm, config.seed)
    sigs = signatures([p.shingles for _, p in done], perms)
    out = []
    for (doc, p), sig in zip(done, sigs):
        article = IndexedArticle(
            doc.id, doc.title, doc.outlet, doc.date, doc.author, doc.url, doc.origin, content_hash(doc),
            p.tokens, p.shingles, p.numbers, p.weekdays, sig, p.provenance or Provenance(), p.findings, doc.text,
            doc.title_in_text,
        )
        out.append(Entry(article, band_keys(sig, config.lsh_bands, config.lsh_rows), anchors_of(p.shingles, config.anchor_modulus).tolist()))
    return out


def index_documents(
    documents: Iterable[Document],
    index: Index,
    *,
    jobs: int = 1,
    registry: Registry | None = None,
    progress: Progress | None = None,
    batch: int = 500,
    keep_text: bool = True,
    force: bool = False,
    on_commit: Callable[[AddResult], None] | None = None,
) -> AddResult:
    """Clean, hash and file documents in ``index``, ``batch`` at a time, each batch in one
    atomic write; ``on_commit`` hears of each batch once it is durable.

    A document whose id is stored with the same content is left as it is (``unchanged``)
    unless ``force``: running the same add again after an interruption resumes it. An id
    stored with other content is replaced.
    """
    registry = registry or default_registry()
    progress = progress or _no_progress
    config = index.config
    totals = AddResult()
    pending_unchanged: list[str] = []

    def needing_work() -> Iterator[Document]:
        chunk: list[Document] = []

        def flush() -> Iterator[Document]:
            stored = {} if force else index.content_hashes(d.id for d in chunk)
            for d in chunk:
                if stored.get(d.id) == content_hash(d):
                    pending_unchanged.append(d.id)
                else:
                    yield d

        for doc in documents:
            chunk.append(doc)
            if len(chunk) >= batch:
                yield from flush()
                chunk = []
        if chunk:
            yield from flush()

    done: list[tuple[Document, Prepared]] = []
    skipped: list[tuple[str, str]] = []
    seen = 0

    def commit() -> None:
        nonlocal totals, done, skipped
        entries = _entries(done, config) if done else []
        replaced = set(index.put(entries, keep_text=keep_text)) if entries else set()
        result = AddResult(
            tuple(e.article.id for e in entries if e.article.id not in replaced),
            tuple(e.article.id for e in entries if e.article.id in replaced),
            tuple(pending_unchanged),
            tuple(skipped),
        )
        pending_unchanged.clear()
        done, skipped = [], []
        totals = AddResult(
            totals.added + result.added, totals.replaced + result.replaced,
            totals.unchanged + result.unchanged, totals.skipped + result.skipped,
        )
        if on_commit is not None:
            on_commit(result)

    for doc, outcome in _prepared_stream(needing_work(), config, jobs, registry):
        seen += 1
        if isinstance(outcome, DocumentSkipped):
            skipped.append((doc.id, str(outcome)))
        else:
            done.append((doc, outcome))
        if len(done) + len(skipped) >= batch:
            commit()
            progress("index", seen + len(totals.unchanged), None)
    if done or skipped or pending_unchanged:
        commit()
    progress("index", seen + len(totals.unchanged), seen + len(totals.unchanged))
    return totals


def _document_of(article: IndexedArticle) -> Document:
    return Document(
        article.id, article.text or "", article.title, article.date, article.outlet, article.author, article.url,
        article.origin, article.title_in_text,
    )


_SEVERITY: dict[str, int] = {"duplicate": 3, "near_duplicate": 2, "partial": 1, "template": 0}


def _is_wire(info: ArticleInfo, registry: Registry) -> bool:
    """An agency's own item, or an article crediting an agency in its byline, dateline or a
    credit line (a paper's wire story)."""
    if info.outlet_type == "agency":
        return True
    return any(
        registry.is_agency(source)
        and set(info.credit_kinds.get(source, ())) & {"byline", "dateline", "credit_line"}
        for source in info.cited
    )


def _same_outlet(a: str, b: str, a_source: str | None, b_source: str | None) -> bool:
    if a_source is not None and a_source == b_source:
        return True
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def _rule_for(match: Match, policy: Policy, wire: bool) -> str | None:
    if match.relation == "template":
        return "template"
    if not policy.counts_as_reuse(match.relation):
        return None
    if match.same_outlet:
        return {"duplicate": "own_duplicate", "near_duplicate": "own_near_duplicate"}.get(match.relation, "own_partial")
    if wire:
        return "credited_wire" if match.credited else "uncredited_wire"
    return "credited_copy" if match.credited else "uncredited_copy"


_MESSAGES = {
    "own_duplicate": "duplicates {outlet}article {id}",
    "own_near_duplicate": "rewrites {outlet}article {id}",
    "own_partial": "repeats a passage of {outlet}article {id}",
    "uncredited_wire": "reuses wire copy {outlet}{id} without naming {sources}",
    "credited_wire": "reuses wire copy {outlet}{id}, credited",
    "uncredited_copy": "reuses {outlet}article {id} without crediting {sources}",
    "credited_copy": "reuses {outlet}article {id}, credited",
    "template": "shares a template with {outlet}article {id} (other facts)",
}


def check(
    doc: Document,
    index: Index,
    policy: Policy | None = None,
    *,
    registry: Registry | None = None,
    with_passages: bool = True,
) -> CheckResult:
    """May ``doc`` be published as it is? Match it against ``index`` and answer with the
    policy's verdict, the matched articles (with passages in both texts), the article's own
    citations and its uncredited reuse. ``doc`` is not added to the index; if its id is
    already there (an update of a published article), it is not matched against itself.

    Raises :class:`~dedupe.errors.InputError` when the article has nothing to check (empty,
    too short or too large).
    """
    policy = policy or Policy()
    registry = registry or default_registry()
    config = index.config
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    hasher = _worker_hasher()
    try:
        prepared = prepare(doc, config, hasher, registry)
    except DocumentSkipped as skip:
        raise InputError(f"nothing to check: {skip.reason.replace('_', ' ')} ({skip.detail})", path=doc.origin or None) from skip
    sig = signatures([prepared.shingles], permutations(config.num_perm, config.seed))[0]
    timings["prepare"] = time.perf_counter() - clock

    clock = time.perf_counter()
    by_band, by_anchor = index.lookup(
        band_keys(sig, config.lsh_bands, config.lsh_rows), anchors_of(prepared.shingles, config.anchor_modulus).tolist(),
        config.anchor_max_docs,
    )
    candidates = (by_band | {i for i, n in by_anchor.items() if n >= config.anchor_min_shared}) - {doc.id}
    stored = index.get_many(sorted(candidates))
    size = len(index)
    timings["lookup"] = time.perf_counter() - clock

    clock = time.perf_counter()
    outlet = doc.outlet or policy.outlet
    prov = prepared.provenance or Provenance()
    mine = article_info(prov, outlet, doc.date, registry)
    is_agency = registry.is_agency
    # Rare words need document frequencies the index does not keep; numbers are facts in any
    # index large enough for the template test (as in a scan of that size).
    use_facts = size >= config.template_min_corpus
    found: list[tuple[Match, bool, Scores]] = []
    for article in stored.values():
        s = score(prepared.shingles, article.shingles)
        relation: Relation | None = relation_of(s, config)
        if relation is None:
            continue
        mine_smaller = len(prepared.shingles) <= len(article.shingles)
        facts = (prepared.numbers if mine_smaller else article.numbers) if use_facts else np.empty(0, dtype=np.uint64)
        other_numbers = article.numbers if mine_smaller else prepared.numbers
        if is_template(s, facts, other_numbers, config, (prepared.weekdays, article.weekdays)):
            relation = "template"
        theirs = article_info(article.provenance, article.outlet, article.date, registry)
        credited, credit, creditable = credit_for(mine, theirs, is_agency)
        same = _same_outlet(outlet, article.outlet, mine.outlet_source, theirs.outlet_source)
        match = Match(
            article.id, article.title, article.outlet, article.date, article.url, relation,
            round(s.jaccard, 4), round(s.containment_a_in_b, 4), round(s.containment_b_in_a, 4), s.shared,
            same, credited or same, credit, creditable,
        )
        found.append((match, _is_wire(theirs, registry), s))
    found.sort(key=lambda m: (-_SEVERITY[m[0].relation], -max(m[0].containment_in_match, m[0].containment_of_match), m[0].id))
    found = found[: policy.max_matches]
    timings["verify"] = time.perf_counter() - clock

    clock = time.perf_counter()
    if with_passages and policy.passages and config.max_passages:
        with_text = [m.id for m, _, _ in found if m.relation != "template"][: policy.passages]
        texts = index.get_many(with_text, text=True)
        mine_located = locate(doc, config, hasher) if texts else None
        shown: dict[str, tuple[Passage, ...]] = {}
        for match_id in with_text:
            kept = texts.get(match_id)
            if kept is None or kept.text is None or mine_located is None:
                continue
            other = _document_of(kept)
            shared = np.intersect1d(prepared.shingles, kept.shingles, assume_unique=True)
            shown[match_id] = tuple(passages(doc, other, shared, config, hasher, (mine_located, locate(other, config, hasher))))
        found = [(replace(m, passages=shown.get(m.id, ())), wire, s) for m, wire, s in found]
    timings["passages"] = time.perf_counter() - clock

    reasons: list[Reason] = []
    for match, wire, _ in found:
        rule = _rule_for(match, policy, wire)
        if rule is None:
            continue
        sources = " or ".join(match.match_sources) or "its source"
        message = _MESSAGES[rule].format(outlet=f"{match.outlet} " if match.outlet else "", id=match.id, sources=sources)
        reasons.append(Reason(rule, policy.verdict(rule), match.id, message))
    kinds = {f.kind for f in prepared.findings}
    if "scraper_marker" in kinds:
        reasons.append(Reason("scraper_markers", policy.verdict("scraper_markers"), None, "the text carries scraper markers"))
    if "stripped_credit" in kinds:
        reasons.append(Reason("stripped_credit", policy.verdict("stripped_credit"), None, "a credit line whose source was stripped"))
    reasons.sort(key=lambda r: -("pass", "warn", "block").index(r.verdict))
    return CheckResult(
        doc.id, strictest(r.verdict for r in reasons), tuple(reasons), tuple(m for m, _, _ in found), prov,
        prepared.findings, len(candidates), size, {k: round(v, 6) for k, v in timings.items()},
    )
