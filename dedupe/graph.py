"""Clusters and copy links of a scan, computed over the verified pairs as columns.

At a million documents a scan verifies tens of millions of pairs. :func:`dedupe.cluster.build_clusters`
and :func:`dedupe.provenance.copy_links` take :class:`~dedupe.models.Pair` objects and keep a
few Python objects per pair; a scan instead computes the same clusters and links from int32
columns (:class:`PairColumns`), and its report reads them through sequences that build each
:class:`~dedupe.models.Cluster` or :class:`~dedupe.models.DocumentSummary` when it is read
(:class:`ClusterTable`, :class:`DocumentTable`). Nothing is kept as an object per pair.
Tests hold the two paths equal.

The two loops that do not vectorise (merging groups strongest pair first, and finding sibling
copies) are plain Python over arrays, compiled by numba when it is installed
(:func:`dedupe._compiled.compiled`); the plain functions are the fallback.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _compiled
from .cluster import AGENCY_OUTLETS
from .lazy import LazySequence
from .models import RELATIONS, Cluster, ClusterMember, CopyLink, Document, DocumentSummary, Edge, Finding, Pair, Passage, Provenance, Relation
from .provenance import ArticleInfo, _basis, credit_for
from .verify import Scores

__all__ = ["ClusterTable", "ColumnPairs", "DocumentTable", "LinkTable", "PairColumns", "cluster_table", "date_keys", "link_table"]

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

_DUPLICATE, _NEAR, _PARTIAL = RELATIONS.index("duplicate"), RELATIONS.index("near_duplicate"), RELATIONS.index("partial")
_ROUND_CHUNK = 1 << 20
_NO_DATE = np.iinfo(np.int64).max
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class PairColumns:
    """Verified pairs as columns: the two documents' positions, the shared shingle count, both
    set sizes and the relation (an index into :data:`dedupe.models.RELATIONS`)."""

    a: I32
    b: I32
    shared: I32
    size_a: I32
    size_b: I32
    code: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.a)

    def rows(self, start: int = 0, stop: int | None = None) -> list[tuple[int, int, Scores, str]]:
        return self.rows_at(slice(start, stop))

    def rows_at(self, part: slice | I64) -> list[tuple[int, int, Scores, str]]:
        """``(a, b, scores, relation)`` of the pairs ``part``."""
        return [
            (a, b, Scores(n, sa, sb), RELATIONS[c])
            for a, b, n, sa, sb, c in zip(
                self.a[part].tolist(), self.b[part].tolist(), self.shared[part].tolist(),
                self.size_a[part].tolist(), self.size_b[part].tolist(), self.code[part].tolist(),
            )
        ]

    def scores(self, k: int) -> Scores:
        return Scores(int(self.shared[k]), int(self.size_a[k]), int(self.size_b[k]))

    def jaccard(self, k: int) -> float:
        """Pair ``k``'s Jaccard similarity, rounded as :class:`~dedupe.models.Pair` carries it."""
        return round(self.scores(k).jaccard, 4)

    def rounded_jaccards(self) -> F64:
        union = self.size_a.astype(np.int64) + self.size_b - self.shared
        return _rounded(self.shared, union)


def pair_of(a: str, b: str, relation: Relation, s: Scores, found: Iterable[Passage] = ()) -> Pair:
    """The :class:`~dedupe.models.Pair` of documents ``a`` and ``b`` (scores rounded to 4 places)."""
    return Pair(
        a, b, relation,
        round(s.jaccard, 4), round(s.containment_a_in_b, 4), round(s.containment_b_in_a, 4),
        s.shared, s.size_a, s.size_b, tuple(found),
    )


def _rounded(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> F64:
    """``round(num / den, 4)`` (0.0 where ``den`` is 0) exactly as Python rounds: numpy's
    ``round`` scales by 10**4 first and can land on the other side of a tie."""
    out = np.empty(len(num), dtype=np.float64)
    for start in range(0, len(num), _ROUND_CHUNK):
        n, d = num[start : start + _ROUND_CHUNK].tolist(), den[start : start + _ROUND_CHUNK].tolist()
        out[start : start + len(n)] = [round(x / y, 4) if y else 0.0 for x, y in zip(n, d)]
    return out


def report_order(columns: PairColumns, rank: I64) -> I64:
    """Pair positions in report order: Jaccard (as rounded) descending, then the ids' ranks."""
    jaccard = np.rint(columns.rounded_jaccards() * 10_000).astype(np.int64)
    return np.lexsort((rank[columns.b], rank[columns.a], -jaccard)).astype(np.int64)


def date_keys(dates: Sequence[datetime | None]) -> I64:
    """Dates as whole microseconds since 1970 (UTC; naive dates taken as UTC), no date last:
    ordered as the datetimes are."""
    out = np.full(len(dates), _NO_DATE, dtype=np.int64)
    for k, d in enumerate(dates):
        if d is not None:
            out[k] = ((d if d.tzinfo else d.replace(tzinfo=timezone.utc)) - _EPOCH) // _MICROSECOND
    return out


def _adjacency(n: int, a: I32, b: I32, pair: I64) -> tuple[I64, I32, I32]:
    """Both directions of the edges ``a[k]``–``b[k]`` as a compressed adjacency: node ``x``'s
    neighbours are ``other[indptr[x]:indptr[x + 1]]``, from pairs ``pairs[...]``."""
    nodes = np.concatenate([a, b])
    order = np.argsort(nodes, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(nodes, minlength=n), out=indptr[1:])
    other = np.concatenate([b, a])[order].astype(np.int32)
    pairs = np.concatenate([pair, pair])[order].astype(np.int32)
    return indptr, other, pairs


# ---------------------------------------------------------------- clusters


def _merge_groups(indptr: Any, other: Any, first_doc: Any, second_doc: Any, min_linkage: float,
                  label: Any, size: Any, head: Any, nxt: Any, tail: Any) -> None:
    """Merge groups through the pairs ``first_doc[k]``–``second_doc[k]``, strongest first, when
    at least ``min_linkage`` of all the pairs across the two groups are verified (average
    linkage); ``label[x]`` is x's group, whose members are a linked list from ``head``."""
    for k in range(len(first_doc)):
        ra = label[first_doc[k]]
        rb = label[second_doc[k]]
        if ra == rb:
            continue
        if size[ra] <= size[rb]:
            small, big = ra, rb
        else:
            small, big = rb, ra
        cross = 0
        x = head[small]
        while x != -1:
            for t in range(indptr[x], indptr[x + 1]):
                if label[other[t]] == big:
                    cross += 1
            x = nxt[x]
        if cross < min_linkage * size[small] * size[big]:
            continue
        x = head[small]
        while x != -1:
            label[x] = big
            x = nxt[x]
        nxt[tail[big]] = head[small]
        tail[big] = tail[small]
        size[big] += size[small]


def _kernel(func: Any, work: int, compiled: bool | None) -> Any:
    """The compiled ``func`` when it pays (or when ``compiled`` asks), else None."""
    if compiled is None:
        compiled = work >= 10_000 or _compiled.loaded()
    return _compiled.compiled(func) if compiled else None


def _groups(
    n: int, indptr: I64, other: I32, first_doc: I64, second_doc: I64, min_linkage: float, compiled: bool | None = None
) -> I64:
    """Each document's group label after merging (documents in no pair keep their own)."""
    kernel = _kernel(_merge_groups, len(first_doc), compiled)
    label = np.arange(n, dtype=np.int64)
    size = np.ones(n, dtype=np.int64)
    nxt = np.full(n, -1, dtype=np.int64)
    if kernel is not None:
        kernel(indptr, other, first_doc, second_doc, float(min_linkage), label, size, label.copy(), nxt, label.copy())
        return label
    lists = [label.tolist(), size.tolist(), label.tolist(), nxt.tolist(), label.tolist()]
    _merge_groups(indptr.tolist(), other.tolist(), first_doc.tolist(), second_doc.tolist(), float(min_linkage), *lists)
    return np.asarray(lists[0], dtype=np.int64)


def cluster_table(
    columns: PairColumns, order: I64, docs: Sequence[Document], min_linkage: float = 0.5, *, compiled: bool | None = None
) -> ClusterTable:
    """The clusters :func:`dedupe.cluster.build_clusters` gives for the pairs
    ``columns[order]`` (report order) of the documents ``docs``."""
    n = len(docs)
    strong_mask = (columns.code == _DUPLICATE) | (columns.code == _NEAR)
    strong = np.flatnonzero(strong_mask)
    indptr, other, via = _adjacency(n, columns.a[strong], columns.b[strong], strong)
    partial = np.flatnonzero(columns.code == _PARTIAL)
    p_indptr, p_other, _ = _adjacency(n, columns.a[partial], columns.b[partial], partial)
    ordered = order[strong_mask[order]]
    label = _groups(n, indptr, other, columns.a[ordered].astype(np.int64), columns.b[ordered].astype(np.int64), min_linkage, compiled)

    in_pairs = np.flatnonzero(np.diff(indptr) > 0)
    group_size = np.bincount(label[in_pairs], minlength=n)
    clustered = in_pairs[group_size[label[in_pairs]] >= 2]

    def origin_key(k: int) -> tuple[datetime, int, str]:
        d = docs[k].date
        date = datetime.max.replace(tzinfo=timezone.utc) if d is None else d if d.tzinfo else d.replace(tzinfo=timezone.utc)
        return (date, 0 if docs[k].outlet.lower() in AGENCY_OUTLETS else 1, docs[k].id)

    by_group = clustered[np.argsort(label[clustered], kind="stable")]
    starts = np.flatnonzero(np.diff(label[by_group], prepend=-1))
    groups = [sorted(part.tolist(), key=origin_key) for part in np.split(by_group, starts[1:])] if len(by_group) else []
    groups.sort(key=lambda members: (-len(members), docs[members[0]].id))
    cluster_of = np.full(n, -1, dtype=np.int32)
    offsets = np.zeros(len(groups) + 1, dtype=np.int64)
    for c, members in enumerate(groups):
        cluster_of[members] = c
        offsets[c + 1] = offsets[c] + len(members)
    flat = np.fromiter((m for members in groups for m in members), dtype=np.int32, count=int(offsets[-1]))
    return ClusterTable(columns, docs, flat, offsets, cluster_of, (indptr, other, via), (p_indptr, p_other))


class ClusterTable(LazySequence[Cluster]):
    """A scan's clusters (see :func:`cluster_table`), each built when read."""

    def __init__(
        self, columns: PairColumns, docs: Sequence[Document], members: I32, offsets: I64, cluster_of: I32,
        strong: tuple[I64, I32, I32], partial: tuple[I64, I32],
    ) -> None:
        self._columns, self._docs = columns, docs
        self._members, self._offsets, self._cluster_of = members, offsets, cluster_of
        self._strong, self._partial = strong, partial

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def member_count(self) -> int:
        """Documents in all clusters (without building them)."""
        return int(self._offsets[-1])

    def _item(self, c: int) -> Cluster:
        docs, cols = self._docs, self._columns
        indptr, other, via = self._strong
        p_indptr, p_other = self._partial
        members = self._members[self._offsets[c] : self._offsets[c + 1]].tolist()
        built: list[ClusterMember] = []
        linked: set[str] = set()
        links: set[str] = set()
        for m in members:
            lo, hi = int(indptr[m]), int(indptr[m + 1])
            nbrs, pairs = other[lo:hi].tolist(), via[lo:hi].tolist()
            inside = (self._cluster_of[other[lo:hi]] == c).tolist()
            edges = [Edge(docs[o].id, RELATIONS[cols.code[p]], cols.jaccard(p)) for o, p, keep in zip(nbrs, pairs, inside) if keep]
            edges.sort(key=lambda e: (-e.jaccard, e.other))
            linked.update(docs[o].id for o, keep in zip(nbrs, inside) if not keep)
            lo, hi = int(p_indptr[m]), int(p_indptr[m + 1])
            links.update(docs[o].id for o, k in zip(p_other[lo:hi].tolist(), self._cluster_of[p_other[lo:hi]].tolist()) if k != c)
            built.append(ClusterMember(docs[m].id, docs[m].outlet, docs[m].date, tuple(edges)))
        return Cluster(c + 1, docs[members[0]].id, tuple(built), tuple(sorted(links)), tuple(sorted(linked)))


# ---------------------------------------------------------------- copy links


def _mark_siblings(indptr: Any, origins: Any, derived: Any, origin: Any, out: Any) -> None:
    """``out[e]`` = the derived and origin document of link ``e`` have an origin in common
    (both copy it; neither copies the other). Each document's origins are sorted."""
    for e in range(len(derived)):
        i, i_end = indptr[derived[e]], indptr[derived[e] + 1]
        j, j_end = indptr[origin[e]], indptr[origin[e] + 1]
        while i < i_end and j < j_end:
            if origins[i] == origins[j]:
                out[e] = True
                break
            if origins[i] < origins[j]:
                i += 1
            else:
                j += 1


def _siblings(n: int, derived: I32, origin: I32, compiled: bool | None = None) -> npt.NDArray[np.bool_]:
    order = np.lexsort((origin, derived))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(derived, minlength=n), out=indptr[1:])
    origins = origin[order]
    del order
    out = np.zeros(len(derived), dtype=np.bool_)
    kernel = _kernel(_mark_siblings, len(derived), compiled)
    if kernel is not None:
        kernel(indptr, origins, derived, origin, out)
        return out
    flags = out.tolist()
    _mark_siblings(indptr.tolist(), origins.tolist(), derived.tolist(), origin.tolist(), flags)
    return np.asarray(flags, dtype=np.bool_)


def link_table(
    columns: PairColumns,
    docs: Sequence[Document],
    rank: I64,
    info: Callable[[int], ArticleInfo],
    agency_source: Callable[[str], bool] = lambda s: False,
    *,
    compiled: bool | None = None,
) -> LinkTable:
    """The links :func:`dedupe.provenance.copy_links` gives for the pairs ``columns`` of the
    documents ``docs`` (``rank``: the ids' sort rank; ``info(k)``: document k's ArticleInfo)."""
    n = len(docs)
    agency = np.zeros(n, dtype=np.int8)
    for k in range(n):
        agency[k] = 0 if info(k).outlet_type == "agency" else 1
    when = date_keys([d.date for d in docs])
    chosen = np.flatnonzero((columns.code == _DUPLICATE) | (columns.code == _NEAR) | (columns.code == _PARTIAL)).astype(np.int32)
    a, b = columns.a[chosen], columns.b[chosen]
    in_b = _rounded(columns.shared[chosen], columns.size_a[chosen])  # share of a's shingles in b
    in_a = _rounded(columns.shared[chosen], columns.size_b[chosen])
    # a is the origin when (agency?, date, -containment, id) of a is <= that of b
    a_first = (agency[a] < agency[b]) | (
        (agency[a] == agency[b])
        & ((when[a] < when[b]) | ((when[a] == when[b]) & ((in_b > in_a) | ((in_b == in_a) & (rank[a] <= rank[b])))))
    )
    contained = np.where(a_first, in_b, in_a)
    del in_a, in_b
    derived, origin = np.where(a_first, b, a), np.where(a_first, a, b)
    del a, b, a_first
    keep = ~_siblings(n, derived, origin, compiled)
    derived, origin, pair, contained = derived[keep], origin[keep], chosen[keep], contained[keep]
    del keep, chosen
    order = np.lexsort((rank[origin], -contained, derived))
    del contained
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(derived, minlength=n), out=indptr[1:])
    del derived
    return LinkTable(columns, docs, indptr, origin[order], pair[order], info, agency_source)


class LinkTable:
    """Each document's ``copied_from`` links (see :func:`link_table`), built when asked for."""

    def __init__(
        self, columns: PairColumns, docs: Sequence[Document], indptr: I64, origin: I32, pair: I32,
        info: Callable[[int], ArticleInfo], agency_source: Callable[[str], bool],
    ) -> None:
        self._columns, self._docs = columns, docs
        self._indptr, self._origin, self._pair = indptr, origin, pair
        self._info, self._agency_source = info, agency_source

    def count(self, k: int) -> int:
        return int(self._indptr[k + 1] - self._indptr[k])

    def of(self, k: int) -> tuple[CopyLink, ...]:
        lo, hi = int(self._indptr[k]), int(self._indptr[k + 1])
        if lo == hi:
            return ()
        cols, docs = self._columns, self._docs
        d_info = self._info(k)
        out = []
        for o, p in zip(self._origin[lo:hi].tolist(), self._pair[lo:hi].tolist()):
            o_info = self._info(o)
            size = int(cols.size_a[p]) if int(cols.a[p]) == o else int(cols.size_b[p])
            contained = round(int(cols.shared[p]) / size, 4) if size else 0.0
            credited, kinds, creditable = credit_for(d_info, o_info, self._agency_source)
            out.append(CopyLink(docs[o].id, RELATIONS[cols.code[p]], cols.jaccard(p), contained, credited, kinds, creditable, _basis(o_info, d_info)))
        return tuple(out)


class DocumentTable(LazySequence[DocumentSummary]):
    """A scan's document summaries, each built (with its copy links) when read; skipped
    documents follow the scanned ones."""

    def __init__(
        self, docs: Sequence[Document], findings: Sequence[Sequence[Finding]], tokens: Sequence[int], shingles: I64,
        provenance: Sequence[Provenance], links: LinkTable, skipped: Sequence[DocumentSummary],
    ) -> None:
        self._docs, self._findings, self._tokens, self._shingles = docs, findings, tokens, shingles
        self._provenance, self._links, self._skipped = provenance, links, skipped

    def __len__(self) -> int:
        return len(self._docs) + len(self._skipped)

    def scanned_count(self) -> int:
        """Documents scanned, not skipped (without building the summaries)."""
        return len(self._docs)

    def _item(self, k: int) -> DocumentSummary:
        if k >= len(self._docs):
            return self._skipped[k - len(self._docs)]
        doc = self._docs[k]
        return DocumentSummary(
            doc.id, doc.title, doc.outlet, doc.date, doc.origin, self._tokens[k], int(self._shingles[k]),
            tuple(self._findings[k]), None, self._provenance[k], self._links.of(k),
        )


class ColumnPairs(LazySequence[Pair]):
    """Verified pairs without passages, read from their columns in report order."""

    def __init__(self, columns: PairColumns, docs: Sequence[Document], order: I64) -> None:
        self._columns, self._docs, self._order = columns, docs, order
        self._relations = Counter({RELATIONS[c]: int(n) for c, n in enumerate(np.bincount(columns.code, minlength=len(RELATIONS))) if n})

    def __len__(self) -> int:
        return len(self._order)

    def relation_counts(self) -> Counter[str]:
        return Counter(self._relations)

    def _item(self, k: int) -> Pair:
        cols, p = self._columns, int(self._order[k])
        return pair_of(self._docs[int(cols.a[p])].id, self._docs[int(cols.b[p])].id, RELATIONS[cols.code[p]], cols.scores(p))
