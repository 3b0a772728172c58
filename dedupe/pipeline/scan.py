"""Wiring of a scan: documents in, a :class:`~dedupe.models.Report` out (see the package docstring
for the stages), and ``compare`` of two documents.

Memory holds per document only its metadata, its distinct shingle hashes and its findings and
citations; raw text goes to a temporary spool file and is read back only for the documents of
verified pairs. Progress is reported through a callback: ``progress(stage, done, total)``.
"""


from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .._infra import memory
from .._infra.pairstore import PairStore
from .._infra.ragged import Ragged
from .._infra.dates import day_keys
from .._infra.records import RecordFile
from .. import documents as _documents
from ..boilerplate import learn_boilerplate, remove_boilerplate
from ..candidates import AnchorFrequency, anchor_codes_of_sets, lsh_codes, united_codes
from ..clusters import cluster_table
from ..config import Config
from ..errors import DocumentSkipped
from ..facts import CorpusFacts, DocumentFrequency, FactFile
from ..furniture import furniture_lines, remove_furniture
from ..headlines import headline_groups
from ..links import DocumentTable, link_table
from ..models import EVIDENCE_FIELDS, Document, DocumentSummary, Finding, InputProblem, Pair, Provenance, Report, ReportCounts
from ..origin import OriginKeys, directions
from ..passages import Side, align, align_pairs
from ..prepare import Prepared, prepare, prepared_stream, worker_hasher
from ..provenance import ArticleInfo, article_info
from ..registry import Registry, default_registry
from ..relations import by_code
from ..sentences import BANDS, meet, same_outlet, sentence_pairs, starting_inside
from ..signatures import permutations, signatures
from ..pairs import ColumnPairs, PairColumns, pair_of, report_order
from ..verify import evidence_rows, relation_codes, relations, score, verify_candidates, worth_aligning

__all__ = ["Progress", "compare", "no_progress", "scan", "scan_documents"]

Progress = Callable[[str, int, int | None], None]


def no_progress(stage: str, done: int, total: int | None) -> None:
    pass


@dataclass
class _Corpus:
    """What a scan holds per scanned document, in reading order."""

    docs: list[Document] = field(default_factory=list)
    """Documents with their raw text replaced by empty strings (the text is in the spool)."""
    findings: list[list[Finding]] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    shingles: Ragged = field(default_factory=lambda: Ragged(np.uint32))
    facts: FactFile = field(default_factory=FactFile)
    """Each document's distinct token hashes and number hashes, on disk (only the template
    test reads them, for the pairs it looks at)."""
    document_frequency: DocumentFrequency = field(default_factory=DocumentFrequency)
    weekdays: list[int] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)
    skipped: list[DocumentSummary] = field(default_factory=list)
    line_keys: Ragged = field(default_factory=lambda: Ragged(np.uint64))
    line_tokens: Ragged = field(default_factory=lambda: Ragged(np.int32))
    """Each document's keyed lines (:attr:`dedupe.prepare.Prepared.line_keys`), for page furniture."""
    sentence_keys: Ragged = field(default_factory=lambda: Ragged(np.uint64))
    sentence_first: Ragged = field(default_factory=lambda: Ragged(np.int64))
    sentence_values: Ragged = field(default_factory=lambda: Ragged(np.uint64))
    sentence_sizes: Ragged = field(default_factory=lambda: Ragged(np.int64))
    """Each document's sentences as the sentence channel files them (:class:`dedupe.sentences.Filed`:
    ``BANDS`` keys a sentence, first tokens, token sets and their sizes)."""
    spool: RecordFile = field(default_factory=lambda: RecordFile("dedupe-spool-"))
    """Each document's raw title and text, and where its tokens sit (:func:`dedupe.prepare.encode_record`)."""

    def add(self, doc: Document, prepared: Prepared) -> None:
        assert prepared.spooled is not None
        self.spool.append(prepared.spooled)
        # Kept per document: what the report and the later stages read (the text is in the spool).
        self.docs.append(replace(doc, text="", author="", url="", outlet=sys.intern(doc.outlet)))
        self.findings.append(list(prepared.findings))
        self.tokens.append(prepared.tokens)
        self.shingles.append(prepared.shingles)
        self.facts.add(prepared.vocab, prepared.numbers)
        self.document_frequency.add(prepared.vocab)
        self.weekdays.append(prepared.weekdays)
        self.provenance.append(prepared.provenance or Provenance())
        self.line_keys.append(prepared.line_keys)
        self.line_tokens.append(prepared.line_tokens.ravel())
        s = prepared.sentences
        self.sentence_keys.append(s.keys.ravel())
        self.sentence_first.append(s.first)
        self.sentence_values.append(s.values)
        self.sentence_sizes.append(np.diff(s.starts))

    def info(self, registry: Registry) -> Callable[[int], ArticleInfo]:
        return lambda k: article_info(self.provenance[k], self.docs[k].outlet, self.docs[k].date, registry)

    def close(self) -> None:
        self.spool.close()
        self.facts.close()


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
    progress = progress or no_progress
    memory.settle()
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    corpus = _Corpus()
    title_tokens: list[tuple[str, str]] = []  # (id, normalized title): one string, not a tuple of words
    try:
        read = 0
        for doc, outcome in prepared_stream(documents, config, jobs, registry, locate_tokens=True, spool=True):
            read += 1
            if read % 500 == 0:
                progress("read", read, None)
            if isinstance(outcome, DocumentSkipped):
                finding = Finding("skipped", str(outcome))
                corpus.skipped.append(DocumentSummary(doc.id, doc.title, doc.outlet, doc.date, doc.origin, 0, 0, (finding,), outcome.reason))
                continue
            corpus.add(doc, outcome)
            title_tokens.append((doc.id, " ".join(outcome.title_tokens)))
        progress("read", read, read)
        timings["read_clean_shingle"] = time.perf_counter() - clock
        memory.trim()

        clock = time.perf_counter()
        headlines = headline_groups(
            ((doc_id, title.split()) for doc_id, title in title_tokens), config.headline_similarity, config.headline_min_tokens
        )
        del title_tokens
        timings["headlines"] = time.perf_counter() - clock

        clock = time.perf_counter()
        days = day_keys([d.date for d in corpus.docs])
        found = furniture_lines([d.outlet for d in corpus.docs], days, corpus.line_keys, corpus.line_tokens, corpus.tokens, config)
        remove_furniture(found, corpus.shingles, corpus.line_tokens, corpus.spool, corpus.findings)
        sentence_rows = _sentence_rows(corpus, found)
        corpus.line_keys = corpus.line_tokens = Ragged(np.uint64)  # not needed past this point
        corpus.sentence_keys = corpus.sentence_first = corpus.sentence_values = corpus.sentence_sizes = Ragged(np.uint64)
        timings["furniture"] = time.perf_counter() - clock

        clock = time.perf_counter()
        boilerplate = learn_boilerplate([d.outlet for d in corpus.docs], corpus.shingles, config)
        remove_boilerplate(corpus.shingles, corpus.findings, boilerplate)
        timings["boilerplate"] = time.perf_counter() - clock
        memory.trim()

        clock = time.perf_counter()
        sigs = signatures(corpus.shingles, permutations(config.num_perm, config.seed))
        progress("signatures", len(corpus.docs), len(corpus.docs))
        timings["signatures"] = time.perf_counter() - clock

        # What candidates.candidate_pairs does, with each input freed as soon as it is used.
        clock = time.perf_counter()
        n = len(corpus.docs)
        lsh = lsh_codes(sigs, config) if n >= 2 else np.empty(0, dtype=np.int64)
        del sigs
        anchored = anchor_codes_of_sets(corpus.shingles.values, corpus.shingles.starts, config) if n >= 2 else np.empty(0, dtype=np.int64)
        cands, counts = united_codes(lsh, anchored)  # sorted codes i * n + j: 8 bytes a candidate
        del lsh, anchored
        outlet_ids: dict[str, int] = {}
        outlets = np.array([outlet_ids.setdefault(d.outlet.strip().casefold(), len(outlet_ids)) if d.outlet.strip() else -1 for d in corpus.docs], dtype=np.int64)
        if config.partial_min_matched:
            keys_, doc_, sent_, values_, starts_ = sentence_rows
            reworded = sentence_pairs(keys_, doc_, sent_, outlets, n, config.sentence_max_docs, values_, starts_, config.sentence_min_jaccard)
        else:
            reworded = np.empty(0, np.int64)
        del sentence_rows
        counts["sentences"] = len(reworded)
        cands = np.union1d(cands, reworded)
        counts["total"] = len(cands)
        timings["candidates"] = time.perf_counter() - clock
        memory.trim()

        clock = time.perf_counter()
        candidates = verify_candidates(cands, corpus.shingles, config, progress, always=reworded)
        counts["aligned"] = len(candidates)
        del cands
        timings["verify"] = time.perf_counter() - clock
        memory.trim()

        clock = time.perf_counter()
        keys = OriginKeys.of(corpus.docs, corpus.provenance, registry)
        facts = CorpusFacts(corpus.facts.read, len(corpus.facts), corpus.document_frequency, config)
        store = PairStore() if config.max_passages else None
        verified = _related(candidates, corpus, days, facts, config, progress, jobs, store, keys.rank)
        del candidates, facts
        pairs: PairStore | ColumnPairs
        if store is not None:
            pairs = store
            order = store.seal().order
        else:  # no passages asked for: pairs are read from their columns
            order = report_order(verified, keys.rank)
            pairs = ColumnPairs(verified, corpus.docs, order)
        timings["passages"] = time.perf_counter() - clock
    finally:
        corpus.close()
    shingle_counts = corpus.shingles.lengths()
    corpus.shingles = Ragged(np.uint32)  # the sets are not needed past this point

    # Clusters and copy links are computed over the verified columns, directed by one rule; the
    # report builds each cluster and document summary from them when it is read.
    clock = time.perf_counter()
    progress("cluster", 0, None)
    directed = directions(verified, keys)
    clusters = cluster_table(verified, order, corpus.docs, keys, directed, config.cluster_min_linkage)
    del order
    timings["cluster"] = time.perf_counter() - clock

    clock = time.perf_counter()
    progress("provenance_links", 0, None)
    links = link_table(verified, corpus.docs, keys, directed, corpus.info(registry), registry.is_agency)
    timings["provenance_links"] = time.perf_counter() - clock
    summaries = DocumentTable(corpus.docs, corpus.findings, corpus.tokens, shingle_counts, corpus.provenance, links, corpus.skipped)
    return Report(
        documents=summaries,
        pairs=pairs,
        clusters=clusters,
        headline_groups=tuple(headlines),
        problems=tuple(problems),
        config={**config.to_dict(), "fingerprint": config.fingerprint()},
        timings={**timings, **{f"candidates_{k}": float(v) for k, v in counts.items()}},
        counts=ReportCounts(verified.relation_counts(), clusters.member_count()),
    )


def _sentence_rows(
    corpus: _Corpus, furniture: dict[int, list[int]],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """The sentence channel's rows (key, document, sentence number) of every document, less the
    sentences inside its page furniture, and every sentence's token set (values, starts)."""
    keys = corpus.sentence_keys.values
    first = corpus.sentence_first.values
    per_doc = corpus.sentence_first.lengths()
    doc = np.repeat(np.arange(len(per_doc), dtype=np.int64), per_doc)
    keep = np.ones(len(first), dtype=np.bool_)
    starts = corpus.sentence_first.starts
    for k, lines in furniture.items():
        lo, hi = int(starts[k]), int(starts[k + 1])
        keep[lo:hi] = ~starting_inside(first[lo:hi], corpus.line_tokens[k].reshape(-1, 3)[lines])
    sent = np.flatnonzero(keep)
    starts = np.concatenate(([0], np.cumsum(corpus.sentence_sizes.values)))
    return keys.reshape(-1, BANDS)[sent].ravel(), np.repeat(doc[sent], BANDS), np.repeat(sent, BANDS), corpus.sentence_values.values, starts


def _related(
    candidates: PairColumns, corpus: _Corpus, days: npt.NDArray[np.int64], facts: CorpusFacts, config: Config,
    progress: Progress, jobs: int, store: PairStore | None, rank: npt.NDArray[np.int64],
) -> PairColumns:
    """Align the candidates, decide each one's relation from its overlap and its passages
    (:func:`dedupe.verify.relations`; ``days``: each document's day, for the formula test), and
    keep the related pairs: as columns (for clusters and links) and, with a ``store``, as pairs
    with their passages."""
    sizes = corpus.shingles.lengths()
    weekdays = np.asarray(corpus.weekdays, dtype=np.int64)
    anchors = AnchorFrequency.of_sets(corpus.shingles.values, corpus.shingles.starts, days, config)
    kept: list[npt.NDArray[np.int64]] = []
    codes: list[npt.NDArray[np.int8]] = []
    rows: list[npt.NDArray[np.int64]] = []
    for start, stop, found in align_pairs(candidates, corpus.docs, corpus.spool, corpus.shingles, config, progress, jobs):
        i, j = candidates.a[start:stop].astype(np.int64), candidates.b[start:stop].astype(np.int64)
        evidence = evidence_rows(e for e, _ in found)
        code = relations(candidates.shared[start:stop].astype(np.int64), i, j, sizes, weekdays, facts, config, evidence=evidence, anchors=anchors)
        keep = np.flatnonzero(code >= 0)
        kept.append(keep + start)
        codes.append(code[keep])
        rows.append(evidence[keep])
        if store is not None:
            for k in keep.tolist():
                a, b = int(i[k]), int(j[k])
                pair = pair_of(corpus.docs[a].id, corpus.docs[b].id, by_code(int(code[k])).name, candidates.scores(start + k), (), found[k][0])
                store.add(pair, int(rank[a]), int(rank[b]), passages=found[k][1])
    at = np.concatenate(kept) if kept else np.empty(0, dtype=np.int64)
    return PairColumns(
        candidates.a[at], candidates.b[at], candidates.shared[at], candidates.size_a[at], candidates.size_b[at],
        np.concatenate(codes) if codes else np.empty(0, dtype=np.int8),
        (np.concatenate(rows) if rows else np.empty((0, len(EVIDENCE_FIELDS)), dtype=np.int64)).astype(np.int32),
    )


def scan(
    paths: Sequence[str | Path],
    config: Config | None = None,
    *,
    fields: _documents.FieldMap | None = None,
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
    return replace(report, problems=tuple(problems))


def compare(a: Document, b: Document, config: Config | None = None) -> Pair:
    """The relation of two documents, with their scores, shared passages and what the passages
    show: the relation a scan of just these two documents gives them (``unrelated`` when none)."""
    config = config or Config()
    hasher = worker_hasher()
    pa, pb = (prepare(d, config, hasher, locate_tokens=True) for d in (a, b))
    assert pa.located is not None and pb.located is not None
    s = score(pa.shingles, pb.shingles)
    shared = np.intersect1d(pa.shingles, pb.shingles, assume_unique=True)
    n, size_a, size_b = (np.array([v], dtype=np.int64) for v in (s.shared, s.size_a, s.size_b))
    aligned = bool(worth_aligning(n, size_a, size_b, relation_codes(n, size_a, size_b, config), config)[0]) or (
        bool(config.partial_min_matched) and not same_outlet(a.outlet, b.outlet)
        and meet(pa.sentences, pb.sentences, config.sentence_min_jaccard)
    )  # as a scan does
    facts = CorpusFacts.of([pa.vocab, pb.vocab], [pa.numbers, pb.numbers], config)
    evidence, found = (
        align(Side.of(a, pa.located, pa.shingles), Side.of(b, pb.located, pb.shingles), shared, config) if aligned else (None, [])
    )
    code = relations(
        n, np.zeros(1, np.int64), np.ones(1, np.int64), np.array([s.size_a, s.size_b], dtype=np.int64),
        np.array([pa.weekdays, pb.weekdays], dtype=np.int64), facts, config,
        evidence=None if evidence is None else evidence_rows([evidence]),
        anchors=AnchorFrequency.of_sets(
            np.concatenate([pa.shingles, pb.shingles]), np.array([0, len(pa.shingles), len(pa.shingles) + len(pb.shingles)]),
            day_keys([a.date, b.date]), config,
        ),
    )
    return pair_of(a.id, b.id, by_code(int(code[0])).name, s, found if s.shared else [], evidence)


