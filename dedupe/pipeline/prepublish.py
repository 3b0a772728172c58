"""Wiring of the pre-publish path: file articles in a persistent index (:func:`index_documents`)
and check one against it before it is published (:func:`check`).

It runs over 400 lines because a check takes, against the index, each step a scan takes over its
corpus: page furniture, the sentence channel, the formula test."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np
import numpy.typing as npt

from ..candidates import AnchorFrequency, anchors_of, band_keys
from .._infra.dates import day_keys
from ..config import Config
from ..errors import DocumentSkipped, NothingToCheck
from ..facts import NumberFacts
from ..furniture import furniture_finding, furniture_shingles, teaser_block
from ..index import Entry, Index
from ..index.base import line_keys, sentence_keys
from ..index.codec import content_hash
from ..locate import Located, locate
from ..models import AddResult, CheckResult, Document, Evidence, IndexedArticle, Match, Provenance
from ..passages import Side, align
from ..policy import Policy, is_wire, same_outlet, strictest
from ..prepare import Prepared, prepare, prepared_stream, worker_hasher
from ..shingles import TokenHasher
from ..provenance import article_info, credit_for
from ..registry import Registry, default_registry
from ..relations import by_code, kind, strength
from ..sentences import BANDS, MIN_SENTENCES, filed_text, meet
from ..sentences import same_outlet as one_outlet
from ..signatures import permutations, signatures
from ..verify import evidence_rows, relation_codes, relations, score, worth_aligning

from .scan import Progress, no_progress

__all__ = ["check", "index_documents"]


def _entries(done: list[tuple[Document, Prepared]], config: Config) -> list[Entry]:
    sigs = signatures([p.shingles for _, p in done], permutations(config.num_perm, config.seed))
    out = []
    for (doc, p), sig in zip(done, sigs):
        lines = line_keys(doc.outlet, p.line_keys.tolist())
        article = IndexedArticle(
            doc.id, doc.title, doc.outlet, doc.date, doc.author, doc.url, doc.origin, content_hash(doc),
            p.tokens, p.shingles, p.numbers, p.weekdays, sig, p.provenance or Provenance(), p.findings, doc.text,
            doc.title_in_text, tuple(lines), tuple(p.line_tokens.ravel().tolist()) if lines else (),
        )
        out.append(Entry(
            article, band_keys(sig, config.lsh_bands, config.lsh_rows), anchors_of(p.shingles, config.anchor_modulus).tolist(),
            lines, sentence_keys(p.sentences.keys.ravel().tolist()),
        ))
    return out


def index_documents(
    documents: Iterable[Document],
    index: Index,
    *,
    jobs: int = 1,
    registry: Registry | None = None,
    policy: Policy | None = None,
    progress: Progress | None = None,
    batch: int = 500,
    keep_text: bool = True,
    force: bool = False,
    on_commit: Callable[[AddResult], None] | None = None,
) -> AddResult:
    """Clean, hash and file documents in ``index``, ``batch`` at a time, each batch in one
    atomic write; ``on_commit`` hears of each batch once it is durable. A document without an
    outlet is filed under ``policy``'s (:meth:`~dedupe.policy.Policy.outlet_for`), as a check
    of it would take it.

    A document whose id is stored with the same content is left as it is (``unchanged``)
    unless ``force``: running the same add again after an interruption resumes it. An id
    stored with other content is replaced.
    """
    registry = registry or default_registry()
    progress = progress or no_progress
    config = index.config
    totals = AddResult()
    pending_unchanged: list[str] = []

    def with_outlets(docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            outlet = policy.outlet_for(doc) if policy is not None else doc.outlet
            yield doc if outlet == doc.outlet else replace(doc, outlet=outlet)

    def needing_work() -> Iterator[Document]:
        chunk: list[Document] = []

        def flush() -> Iterator[Document]:
            stored = {} if force else index.content_hashes(d.id for d in chunk)
            for d in chunk:
                if stored.get(d.id) == content_hash(d):
                    pending_unchanged.append(d.id)
                else:
                    yield d

        for doc in with_outlets(documents):
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

    for doc, outcome in prepared_stream(needing_work(), config, jobs, registry, locate_tokens=True, keep_located=False):
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

    Raises :class:`~dedupe.errors.NothingToCheck` when the article has nothing to check (empty,
    too short or too large).
    """
    policy = policy or Policy()
    registry = registry or default_registry()
    config = index.config
    # The outlet the article is for decides self-citations and shared names as much as the verdict.
    doc = replace(doc, outlet=policy.outlet_for(doc))
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    hasher = worker_hasher()
    want_passages = with_passages and bool(policy.passages) and bool(config.max_passages)
    try:
        prepared = prepare(doc, config, hasher, registry, locate_tokens=True)
    except DocumentSkipped as skip:
        raise NothingToCheck(f"nothing to check: {skip.reason.replace('_', ' ')} ({skip.why})", path=doc.origin or None) from skip
    prepared, echoes = _without_furniture(index, doc, prepared, config)
    assert prepared.located is not None
    sig = signatures([prepared.shingles], permutations(config.num_perm, config.seed))[0]
    timings["prepare"] = time.perf_counter() - clock

    clock = time.perf_counter()
    by_band, by_anchor = index.lookup(
        band_keys(sig, config.lsh_bands, config.lsh_rows), anchors_of(prepared.shingles, config.anchor_modulus).tolist(),
        config.anchor_max_docs,
    )
    shingled = (by_band | {i for i, n in by_anchor.items() if n >= config.anchor_min_shared}) - {doc.id}
    reworded, ignored = _sentence_candidates(index, doc, prepared, config)
    stored = list(index.get_many(sorted(shingled | reworded)).values())
    texts = _Texts(index, config, hasher)
    stored, furniture = _stored_without_furniture(echoes, stored, texts)
    # The sentence channel's candidates are those whose sentences match, as in a scan.
    reworded = _sentence_pairs(
        prepared, [a for a in stored if a.id in reworded and not one_outlet(doc.outlet, a.outlet)], furniture, ignored, texts, config,
    )
    candidates = shingled | reworded
    stored = [a for a in stored if a.id in candidates]
    size = len(index)
    timings["lookup"] = time.perf_counter() - clock

    clock = time.perf_counter()
    outlet = doc.outlet
    prov = prepared.provenance or Provenance()
    mine = article_info(prov, outlet, doc.date, registry)
    # Document 0 is the checked article, 1… the stored ones: one relation function for all of them,
    # with the passages of the pairs a scan would align (those without stored text show none).
    scores = [score(prepared.shingles, article.shingles) for article in stored]
    shared = np.array([s.shared for s in scores], dtype=np.int64)
    sizes = np.array([len(prepared.shingles), *(len(a.shingles) for a in stored)], dtype=np.int64)
    first = relation_codes(shared, sizes[:1].repeat(len(stored)), sizes[1:], config)
    worth = worth_aligning(shared, sizes[:1].repeat(len(stored)), sizes[1:], first, config)
    aligned = {stored[k].id for k in np.flatnonzero(worth).tolist()} | reworded
    # Aligned on the shingles a check kept of them (page furniture out); those without stored text show none.
    by_id = {a.id: a for a in stored}
    mine_side = Side.of(doc, prepared.located, prepared.shingles)
    alignments = {
        article_id: align(
            mine_side, Side.of(other, located, by_id[article_id].shingles),
            np.intersect1d(prepared.shingles, by_id[article_id].shingles, assume_unique=True), config,
        )
        for article_id, (other, located) in texts.read(sorted(aligned)).items()
    }
    empty = Evidence(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    codes = relations(
        shared, np.zeros(len(stored), np.int64), np.arange(1, len(stored) + 1), sizes,
        np.array([prepared.weekdays, *(a.weekdays for a in stored)], dtype=np.int64),
        NumberFacts([prepared.numbers, *(a.numbers for a in stored)], size, config), config,
        evidence=evidence_rows(alignments[a.id][0] if a.id in alignments else empty for a in stored),
        anchors=_index_anchors(index, doc, prepared, stored, size, config),
    )
    found: list[tuple[Match, bool]] = []
    for article, s, code in zip(stored, scores, codes.tolist()):
        if code < 0:
            continue
        theirs = article_info(article.provenance, article.outlet, article.date, registry)
        credited, credit, creditable = credit_for(mine, theirs, registry.is_agency)
        same = same_outlet(outlet, article.outlet, mine.outlet_source, theirs.outlet_source)
        match = Match(
            article.id, article.title, article.outlet, article.date, article.url, by_code(code).name,
            round(s.jaccard, 4), round(s.containment_a_in_b, 4), round(s.containment_b_in_a, 4), s.shared,
            same, credited or same, credit, creditable,
        )
        found.append((match, is_wire(theirs, registry)))
    found.sort(key=lambda m: (-strength(m[0].relation), -max(m[0].containment_in_match, m[0].containment_of_match), m[0].id))
    found = found[: policy.max_matches]
    if want_passages:
        shown = [m.id for m, _ in found if kind(m.relation).reuse][: policy.passages]
        found = [(replace(m, passages=tuple(alignments[m.id][1])) if m.id in shown and m.id in alignments else m, wire) for m, wire in found]
    timings["verify"] = time.perf_counter() - clock

    reasons = policy.reasons(found, prepared.findings)
    return CheckResult(
        doc.id, strictest(r.verdict for r in reasons), reasons, tuple(m for m, _ in found), prov,
        prepared.findings, len(candidates), size, {k: round(v, 6) for k, v in timings.items()},
    )


class _Echoes:
    """Who echoes whose text lines, for a check (:func:`dedupe.furniture.teaser_block`): the
    articles of an outlet within ``furniture_window_days`` holding the same line, read from the
    index (which learns an outlet's lines as its articles are added) with the checked article in
    place of any stored version of it, as a scan of the index and the article would see them."""

    def __init__(self, index: Index, doc: Document, mine: list[int], config: Config) -> None:
        self.index, self.doc, self.mine, self.config = index, doc, set(mine), config
        self.holders: dict[int, set[str]] = {}
        self.days: dict[str, int] = {doc.id: int(day_keys([doc.date])[0])}
        self.learn(mine)

    def learn(self, keys: Iterable[int]) -> None:
        asked = [k for k in dict.fromkeys(keys) if k not in self.holders]
        if not asked:
            return
        for key, ids in zip(asked, self.index.line_holders(asked)):
            self.holders[key] = set(ids) - {self.doc.id} | ({self.doc.id} if key in self.mine else set())
        unknown = sorted(set().union(*(self.holders[k] for k in asked)) - self.days.keys())
        dates = self.index.dates(unknown) if unknown else {}
        self.days.update(zip(dates, day_keys(list(dates.values())).tolist()))

    def block(self, me: str, date: datetime | None, keys: Sequence[int], spans: npt.NDArray[np.integer], tokens: int) -> list[int]:
        """The teaser block of article ``me`` (its lines ``keys`` at token ranges ``spans``)."""
        day = self.days.setdefault(me, int(day_keys([date])[0]))
        window = self.config.furniture_window_days
        days = self.days
        echoes = [
            frozenset(i for i in self.holders[key] if i != me and i in days and (day < 0 or days[i] < 0 or abs(days[i] - day) <= window))
            for key in keys
        ]
        return teaser_block(echoes, spans, tokens, self.config)


def _without_furniture(index: Index, doc: Document, prepared: Prepared, config: Config) -> tuple[Prepared, _Echoes]:
    """The checked article without its page furniture: its shingles dropped and a
    ``page_furniture`` finding recorded."""
    assert prepared.located is not None
    mine = line_keys(doc.outlet, prepared.line_keys.tolist())
    echoes = _Echoes(index, doc, mine, config)
    lines = echoes.block(doc.id, doc.date, mine, prepared.line_tokens, prepared.tokens)
    if not lines:
        return prepared, echoes
    removed, where = furniture_shingles(prepared.located, prepared.line_tokens[lines])
    return replace(
        prepared, shingles=np.setdiff1d(prepared.shingles, removed, assume_unique=True),
        findings=(*prepared.findings, furniture_finding(len(lines), where)),
        sentences=prepared.sentences.without(prepared.line_tokens[lines]),
    ), echoes


class _Texts:
    """The stored articles' texts a check reads, each fetched and located once however many of
    its steps read it (page furniture, the sentence channel, the alignment)."""

    def __init__(self, index: Index, config: Config, hasher: TokenHasher) -> None:
        self.index, self.config, self.hasher = index, config, hasher
        self.known: dict[str, tuple[Document, Located] | None] = {}

    def read(self, ids: Sequence[str]) -> dict[str, tuple[Document, Located]]:
        """The stored text of each of ``ids`` and where its tokens sit (none for an article
        filed without its text)."""
        missing = [i for i in ids if i not in self.known]
        if missing:
            got = self.index.get_many(missing, text=True)
            for i in missing:
                article = got.get(i)
                if article is None or article.text is None:
                    self.known[i] = None
                else:
                    doc = _document_of(article)
                    self.known[i] = (doc, locate(doc, self.config, self.hasher))
        return {i: found for i in ids if (found := self.known[i]) is not None}


def _stored_without_furniture(
    echoes: _Echoes, stored: list[IndexedArticle], texts: _Texts,
) -> tuple[list[IndexedArticle], dict[str, npt.NDArray[np.int64]]]:
    """The stored candidates without their page furniture, decided as for the checked article
    (whose lines echo theirs). An article filed without its text or its lines keeps its
    shingles as they were filed. Also the token ranges of each one's furniture lines."""
    theirs = [a for a in stored if len(a.lines) >= 2 and len(a.line_tokens) == 3 * len(a.lines)]
    echoes.learn(key for a in theirs for key in a.lines)
    blocks: dict[str, list[int]] = {}
    for a in theirs:
        found = echoes.block(a.id, a.date, a.lines, np.array(a.line_tokens, dtype=np.int64).reshape(-1, 3), a.tokens)
        if found:
            blocks[a.id] = found
    if not blocks:
        return stored, {}
    kept: dict[str, IndexedArticle] = {}
    spans_of: dict[str, npt.NDArray[np.int64]] = {}
    by_id = {a.id: a for a in stored}
    for article_id, (_, located) in texts.read(sorted(blocks)).items():
        article = by_id[article_id]
        spans = np.array(article.line_tokens, dtype=np.int64).reshape(-1, 3)[blocks[article_id]]
        removed, _ = furniture_shingles(located, spans)
        kept[article_id] = replace(article, shingles=np.setdiff1d(article.shingles, removed, assume_unique=True))
        spans_of[article_id] = spans
    return [kept.get(a.id, a) for a in stored], spans_of


def _sentence_candidates(index: Index, doc: Document, prepared: Prepared, config: Config) -> tuple[set[str], npt.NDArray[np.uint64]]:
    """The stored articles holding keys of at least two of the checked article's sentences (of
    keys held by fewer than ``sentence_max_docs`` articles, the checked one counted), as a scan
    pairs them (:func:`dedupe.sentences.sentence_pairs`; whether they match is decided by
    :func:`_sentence_pairs`), and the checked article's keys that pair nothing (held by too many)."""
    mine = prepared.sentences
    if not config.partial_min_matched or len(mine) < MIN_SENTENCES:
        return set(), np.empty(0, np.uint64)
    flat = mine.keys.ravel().tolist()
    salted = [sentence_keys([k])[0] for k in flat]
    wanted = list(dict.fromkeys(salted))
    # A key the checked article and more than sentence_max_docs - 1 stored ones hold pairs nothing.
    held = dict(zip(wanted, index.line_holders(wanted, config.sentence_max_docs)))
    hits: dict[str, set[int]] = {}
    ignored: list[int] = []
    for at, key in enumerate(salted):
        holders = [i for i in held[key] if i != doc.id]
        if not holders or len(holders) + 1 > config.sentence_max_docs:
            ignored.append(flat[at])  # none holds it (it meets nothing) or too many do
            continue
        for i in holders:
            hits.setdefault(i, set()).add(at // BANDS)
    return {i for i, sentences in hits.items() if len(sentences) >= MIN_SENTENCES}, np.array(ignored, dtype=np.uint64)


def _sentence_pairs(
    prepared: Prepared, stored: list[IndexedArticle], furniture: dict[str, npt.NDArray[np.int64]],
    ignored: npt.NDArray[np.uint64], texts: _Texts, config: Config,
) -> set[str]:
    """Of the stored candidates the sentence keys found, those of another outlet that match the checked article's sentences as a scan pairs them
    (:func:`dedupe.sentences.meet`, each side less its page furniture, the keys too many articles
    hold left out), read from their texts; an article filed without its text is not tested."""
    found: set[str] = set()
    for article_id, (other, located) in texts.read([a.id for a in stored]).items():
        theirs = filed_text(other, located).without(furniture.get(article_id, np.empty((0, 3), np.int64)))
        if meet(prepared.sentences, theirs, config.sentence_min_jaccard, ignored):
            found.add(article_id)
    return found


_HOLDERS_READ = 200
"""The holders of an anchor whose dates a check reads (enough to see a formula's days)."""


def _index_anchors(index: Index, doc: Document, prepared: Prepared, stored: list[IndexedArticle], size: int, config: Config) -> AnchorFrequency:
    """The anchors of the checked article (document 0) and the stored ones, and how many articles
    hold each and on how many days: the index's holders (the days of at most 200 of them) and the
    checked article itself (unless an earlier version of it is stored), as a scan of the index
    and the article would count them."""
    sets = [anchors_of(prepared.shingles, config.anchor_modulus), *(anchors_of(a.shingles, config.anchor_modulus) for a in stored)]
    new = not index.content_hashes([doc.id])
    mine = int(day_keys([doc.date])[0])

    def spread(values: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        held = index.holders(values.tolist(), _HOLDERS_READ)
        dates = index.dates(sorted({i for _, some in held for i in some}))
        day = dict(zip(dates, day_keys(list(dates.values())).tolist())) if dates else {}
        docs = np.array([n + new for n, _ in held], dtype=np.int64)
        days = np.array([len({day[i] for i in some if i in day} | ({mine} if new else set())) for _, some in held], dtype=np.int64)
        return docs, days

    return AnchorFrequency(sets.__getitem__, spread, size + new)
