"""Small frozen dataclasses passed between the stages of a scan."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from collections.abc import Sequence
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt

from .relations import Relation, kind

_T = TypeVar("_T")
FieldName = Literal["title", "text"]
CitationField = Literal["title", "text", "author"]
CitationKind = Literal[
    "byline", "dateline", "credit_line", "headline_prefix", "quoted_to", "reported_by", "relayed_from", "according_to"
]
CITATION_KINDS: tuple[CitationKind, ...] = (
    "byline", "dateline", "credit_line", "headline_prefix", "quoted_to", "reported_by", "relayed_from", "according_to",
)


def picklable(cls: type[_T]) -> type[_T]:
    """Pickle a frozen slots dataclass as its constructor's arguments: what crosses between a
    scan's processes by the hundred thousand (the state methods ``slots=True`` adds read the
    class's fields anew for every object, several times slower)."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    def __reduce__(self: _T) -> tuple[type[_T], tuple[object, ...]]:
        return cls, tuple(getattr(self, n) for n in names)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


@picklable
@dataclass(frozen=True, slots=True)
class Document:
    """One article as read from its source. The raw fields are never modified."""

    id: str
    text: str
    title: str = ""
    date: datetime | None = None
    outlet: str = ""
    author: str = ""
    url: str = ""
    origin: str = ""
    """Where the document came from, ``path`` or ``path:line``."""
    title_in_text: bool = False
    """The title was taken from the text's first line (plain-text files), so it is not a repeat there."""


@picklable
@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` in one raw field of a document."""

    field: FieldName
    start: int
    end: int


@picklable
@dataclass(frozen=True, slots=True)
class Finding:
    """Something noticed about one document: a removal made before hashing, a repeat, a flag."""

    kind: str
    message: str
    count: int = 1
    spans: tuple[Span, ...] = ()


@picklable
@dataclass(frozen=True, slots=True)
class Citation:
    """A source named by an article: which one, how, and exactly where in the raw field."""

    source: str
    """Canonical source id from the registry (``reuters``, ``spa``, ``agencies``…)."""
    kind: CitationKind
    field: CitationField
    start: int
    end: int
    surface: str
    """The raw text of the span."""
    self_cited: bool = False
    """The cited source is the publishing outlet itself."""


@picklable
@dataclass(frozen=True, slots=True)
class Provenance:
    """What one article says about where its text comes from."""

    citations: tuple[Citation, ...] = ()
    anonymous: tuple[Span, ...] = ()
    """Spans attributing to unnamed sources ("مصدر مطلع", "شهود عيان")."""
    stripped_credit: bool = False
    outlet_source: str | None = None
    """The registry id of the publishing outlet, when its outlet code is known."""

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct cited sources, in order of first mention."""
        return tuple(dict.fromkeys(c.source for c in self.citations))


@dataclass(frozen=True, slots=True)
class CopyLink:
    """A derived article's link to a corpus article its text was likely copied from."""

    origin: str
    relation: Relation
    jaccard: float
    containment: float
    """Share of the origin's shingles found in the derived article."""
    credited: bool
    credit: tuple[str, ...] = ()
    """How the derived article credits the origin: the citation kinds naming its outlet or its sources."""
    origin_sources: tuple[str, ...] = ()
    """The sources that would count as credit: the origin's outlet and the sources it cites."""
    basis: str = "date"
    """What decided the direction: ``agency`` (a wire agency's own item), ``date`` (the earlier
    article), or ``containment`` (no date to tell: the text more fully inside the other); the
    last is a guess."""


@picklable
@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of text shared by two documents, located in both raw texts."""

    a: Span
    b: Span
    a_text: str
    b_text: str
    shingles: int


@picklable
@dataclass(frozen=True, slots=True)
class Evidence:
    """What the shared passages of two documents show (:func:`dedupe.passages.align`), a relation's grounds."""

    tokens_a: int
    tokens_b: int
    """The hashed tokens of each document."""
    covered_a: int
    covered_b: int
    """Tokens inside shared passages."""
    sentences_a: int
    sentences_b: int
    """Sentences (of at least six tokens) mostly inside shared passages."""
    quoted_a: int
    quoted_b: int
    """Covered tokens inside quotation marks."""
    slot_changes: int
    """Edits of the aligned wording that change a number or a place (:mod:`dedupe.slots`)."""
    slots_kept: int
    """Distinct numbers and places of the first text in the alignment's runs (short ones too)."""
    sentences_matched: int = 0
    sentences_matched_quoted: int = 0
    sentences_matched_changed: int = 0
    """Sentences matched in other words (:mod:`dedupe.sentences`); of them, those in quotes and those changing a slot."""

    @property
    def shorter_coverage(self) -> float:
        """The share of the shorter text inside shared passages."""
        if self.tokens_a <= self.tokens_b:
            return self.covered_a / self.tokens_a if self.tokens_a else 0.0
        return self.covered_b / self.tokens_b if self.tokens_b else 0.0


EVIDENCE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Evidence))
"""The fields of :class:`Evidence`, in order (the columns of a scan's evidence arrays)."""


@picklable
@dataclass(frozen=True, slots=True)
class Pair:
    """A verified relation between two documents ``a`` and ``b``."""

    a: str
    b: str
    relation: Relation
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    shared_shingles: int
    shingles_a: int
    shingles_b: int
    passages: tuple[Passage, ...] = ()
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    other: str
    relation: Relation
    jaccard: float


@dataclass(frozen=True, slots=True)
class ClusterMember:
    id: str
    outlet: str
    date: datetime | None
    edges: tuple[Edge, ...]


@dataclass(frozen=True, slots=True)
class Cluster:
    """A group of documents joined by verified duplicate or near-duplicate pairs (see
    :mod:`dedupe.clusters` for how chaining is kept out)."""

    id: int
    original: str
    """The member the others were copied from, by the origin rule of :mod:`dedupe.origin` (an
    agency's own item, then the earliest); listed first among the members."""
    members: tuple[ClusterMember, ...]
    partial_links: tuple[str, ...] = ()
    """Ids outside the cluster that share a partial passage with one of its members."""
    linked: tuple[str, ...] = ()
    """Ids outside the cluster with a verified duplicate/near-duplicate pair to a member, kept
    out because merging them would chain weakly related groups together."""

    @property
    def density(self) -> float:
        """Verified edges over possible edges: 1.0 when every member copies every other; low
        values mean a chain (A~B, B~C, A≁C) worth reading member by member."""
        n = len(self.members)
        edges = sum(len(m.edges) for m in self.members) // 2
        return edges / (n * (n - 1) / 2) if n > 1 else 1.0


@dataclass(frozen=True, slots=True)
class HeadlineGroup:
    """Different documents whose headlines are the same after normalization, or nearly so."""

    headline: str
    ids: tuple[str, ...]
    min_similarity: float


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: str
    title: str
    outlet: str
    date: datetime | None
    origin: str
    tokens: int
    shingles: int
    findings: tuple[Finding, ...]
    skipped: str | None = None
    provenance: Provenance | None = None
    copied_from: tuple[CopyLink, ...] = ()

    @property
    def uncredited(self) -> tuple[str, ...]:
        """Origins this document copies without crediting them or their sources."""
        return tuple(link.origin for link in self.copied_from if not link.credited)


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One input that could not be used, or was used with a caveat."""

    level: Literal["error", "warning"]
    message: str
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ReportCounts:
    """Totals a scan knows without reading its pairs and clusters back (they are on disk or
    built when read)."""

    relations: dict[str, int]
    """Reported pairs by relation."""
    clustered_documents: int


@dataclass(frozen=True)
class Report:
    """Everything a scan found; rendered to JSON by :mod:`dedupe.report`."""

    documents: Sequence[DocumentSummary]
    """A scan builds each summary when it is read (:class:`dedupe.links.DocumentTable`)."""
    pairs: Sequence[Pair]
    """In report order; a scan keeps them on disk (:class:`dedupe._infra.pairstore.PairStore`) or
    reads them from its columns (:class:`dedupe.pairs.ColumnPairs`)."""
    clusters: Sequence[Cluster]
    """A scan builds each cluster when it is read (:class:`dedupe.clusters.ClusterTable`)."""
    headline_groups: tuple[HeadlineGroup, ...]
    problems: tuple[InputProblem, ...]
    config: dict[str, object] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    counts: ReportCounts | None = None
    """Set by a scan; without it, a summary counts by reading the pairs and clusters."""


# ------------------------------------------------------------------------ index and pre-publish check

Verdict = Literal["pass", "warn", "block"]
VERDICTS: tuple[Verdict, ...] = ("pass", "warn", "block")


@dataclass(frozen=True, slots=True)
class IndexedArticle:
    """One article as a persistent index keeps it: its metadata, what exact verification and
    the credit check need, and (unless the index keeps text out) its raw title and text."""

    id: str
    title: str
    outlet: str
    date: datetime | None
    author: str
    url: str
    origin: str
    content_hash: str
    """Hash of the raw fields, so adding the same article again is recognised as unchanged."""
    tokens: int
    shingles: npt.NDArray[np.uint32]
    numbers: npt.NDArray[np.uint64]
    weekdays: int
    signature: npt.NDArray[np.uint32]
    provenance: Provenance
    findings: tuple[Finding, ...] = ()
    text: str | None = None
    """The raw text; None when the index keeps text out (or it was not asked for)."""
    title_in_text: bool = False
    lines: tuple[int, ...] = ()
    """The keys its text lines are filed under (:func:`dedupe.index.base.line_keys`; none if filed before lines were)."""
    line_tokens: tuple[int, ...] = ()
    """Their token ranges, three values a line (:attr:`dedupe.prepare.Prepared.line_tokens`), for page furniture."""


@dataclass(frozen=True, slots=True)
class AddResult:
    """What one call that adds articles to an index did."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    """(id, reason) of documents read but not indexed (empty, too short, too large)."""


@dataclass(frozen=True, slots=True)
class IndexStats:
    url: str
    articles: int
    with_text: int
    outlets: dict[str, int]
    schema_version: int
    fingerprint: str
    created_by: str
    size_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """An indexed article the checked one reuses (or is a template of)."""

    id: str
    title: str
    outlet: str
    date: datetime | None
    url: str
    relation: Relation
    jaccard: float
    containment_in_match: float
    """Share of the checked article's shingles found in the indexed one."""
    containment_of_match: float
    """Share of the indexed article's shingles found in the checked one."""
    shared_shingles: int
    same_outlet: bool
    credited: bool
    credit: tuple[str, ...] = ()
    match_sources: tuple[str, ...] = ()
    """The sources whose naming would credit this match: its outlet and the sources it cites."""
    passages: tuple[Passage, ...] = ()
    """Shared passages: ``a`` spans in the checked article, ``b`` spans in the indexed one."""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a check answered what it answered: one policy rule fired by one match."""

    rule: str
    verdict: Verdict
    match: str | None
    message: str


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The answer to "may this article be published as it is?"."""

    id: str
    verdict: Verdict
    reasons: tuple[Reason, ...]
    matches: tuple[Match, ...]
    provenance: Provenance
    findings: tuple[Finding, ...] = ()
    candidates: int = 0
    index_articles: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def uncredited(self) -> tuple[str, ...]:
        """Matched articles reused without crediting them or their sources."""
        return tuple(m.id for m in self.matches if kind(m.relation).reuse and not m.credited)
