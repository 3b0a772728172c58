"""Clusters: groups of documents joined by verified duplicate and near-duplicate pairs,
guarded against chaining.

Pairs are taken strongest first (report order). Two groups merge only through a verified pair,
and only when at least ``min_linkage`` of all the pairs across them are verified too (average
linkage on the verified graph): a chain A~B~C~D of rewrites, or a formula shared by many
different announcements, stops growing instead of swallowing everything it touches. A verified
pair that was not allowed to merge is kept: each side lists the other in ``linked``. Every
member lists its own edges inside the group. Partial pairs link different stories and never
merge; they are listed as ``partial_links``. A cluster's original is chosen by the one origin
rule (:mod:`dedupe.origin`) and listed first.

A scan at a million documents verifies tens of millions of pairs, so everything is computed
over the verified pairs as columns (:class:`~dedupe.pairs.PairColumns`), and the report reads
the clusters through :class:`ClusterTable`, which builds each :class:`~dedupe.models.Cluster`
when it is read. The merge loop does not vectorise: it is plain Python over arrays, compiled
by numba when installed. :func:`build_clusters` gives the same clusters from
:class:`~dedupe.models.Pair` objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ._infra import jit
from ._infra.lazy import LazySequence
from .models import Cluster, ClusterMember, Document, Edge, Pair
from ._infra.dates import date_keys
from .origin import Directions, OriginKeys, cluster_original, directions
from .relations import RELATIONS, kind
from .pairs import PairColumns, columns_of, id_ranks, report_order

__all__ = ["ClusterTable", "adjacency", "build_clusters", "cluster_table"]

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
Adjacency = tuple[I64, I32, I32]

_CLUSTERING = np.array(sorted(kind(r).code for r in RELATIONS if kind(r).clusters), dtype=np.int8)
# Reuse that does not cluster (partial): listed beside a cluster as links to other stories.
_LINKING = np.array(sorted(kind(r).code for r in RELATIONS if kind(r).reuse and not kind(r).clusters), dtype=np.int8)


def adjacency(n: int, a: I32, b: I32, pair: I64) -> Adjacency:
    """Both directions of the edges ``a[k]``–``b[k]`` as a compressed adjacency: node ``x``'s
    neighbours are ``other[indptr[x]:indptr[x + 1]]``, through pairs ``via[...]``."""
    nodes = np.concatenate([a, b])
    order = np.argsort(nodes, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(nodes, minlength=n), out=indptr[1:])
    other = np.concatenate([b, a])[order].astype(np.int32)
    via = np.concatenate([pair, pair])[order].astype(np.int32)
    return indptr, other, via


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


def _groups(
    n: int, indptr: I64, other: I32, first_doc: I64, second_doc: I64, min_linkage: float, compiled: bool | None = None
) -> I64:
    """Each document's group label after merging (documents in no pair keep their own)."""
    kernel = jit.when_it_pays(_merge_groups, len(first_doc), compiled)
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
    columns: PairColumns, order: I64, docs: Sequence[Document], keys: OriginKeys, directed: Directions,
    min_linkage: float = 0.5, *, compiled: bool | None = None,
) -> ClusterTable:
    """The clusters of the pairs ``columns`` merged in ``order`` (report order), of the documents
    ``docs``; ``keys`` and ``directed`` (the pairs' directions) as :mod:`dedupe.origin` gives them."""
    n = len(docs)
    strong_mask = np.isin(columns.code, _CLUSTERING)
    strong = np.flatnonzero(strong_mask)
    strong_adjacency = adjacency(n, columns.a[strong], columns.b[strong], strong)
    partial = np.flatnonzero(np.isin(columns.code, _LINKING))
    partial_adjacency = adjacency(n, columns.a[partial], columns.b[partial], partial)
    ordered = order[strong_mask[order]]
    indptr, other, _ = strong_adjacency
    label = _groups(n, indptr, other, columns.a[ordered].astype(np.int64), columns.b[ordered].astype(np.int64), min_linkage, compiled)

    in_pairs = np.flatnonzero(np.diff(indptr) > 0)
    group_size = np.bincount(label[in_pairs], minlength=n)
    clustered = in_pairs[group_size[label[in_pairs]] >= 2]
    by_group = clustered[np.argsort(label[clustered], kind="stable")]
    starts = np.flatnonzero(np.diff(label[by_group], prepend=-1))
    groups = [part.tolist() for part in np.split(by_group, starts[1:])] if len(by_group) else []

    a_is_origin = directed.a_is_origin

    def neighbours(members: list[int]) -> dict[int, list[tuple[int, bool]]]:
        """Each member's reuse pairs with the others, and whether it is their origin."""
        inside = set(members)
        out: dict[int, list[tuple[int, bool]]] = {}
        for m in members:
            for ptr, nbr, via in (strong_adjacency, partial_adjacency):
                for o, p in zip(nbr[ptr[m] : ptr[m + 1]].tolist(), via[ptr[m] : ptr[m + 1]].tolist()):
                    if o in inside:
                        out.setdefault(m, []).append((o, bool(a_is_origin[p]) == (int(columns.a[p]) == m)))
        return out

    ordered_groups = []
    for members in groups:
        members.sort(key=lambda m: (*keys.first_key(m), int(keys.rank[m])))
        # The neighbours are needed only to break a tie for first place.
        tie = keys.first_key(members[0]) == keys.first_key(members[1])
        original = cluster_original(members, keys, neighbours(members) if tie else {})
        ordered_groups.append([original, *(m for m in members if m != original)])
    ordered_groups.sort(key=lambda members: (-len(members), docs[members[0]].id))
    cluster_of = np.full(n, -1, dtype=np.int32)
    offsets = np.zeros(len(ordered_groups) + 1, dtype=np.int64)
    for c, members in enumerate(ordered_groups):
        cluster_of[members] = c
        offsets[c + 1] = offsets[c] + len(members)
    flat = np.fromiter((m for members in ordered_groups for m in members), dtype=np.int32, count=int(offsets[-1]))
    return ClusterTable(columns, docs, flat, offsets, cluster_of, strong_adjacency, partial_adjacency)


class ClusterTable(LazySequence[Cluster]):
    """A scan's clusters (see :func:`cluster_table`), each built when read."""

    def __init__(
        self, columns: PairColumns, docs: Sequence[Document], members: I32, offsets: I64, cluster_of: I32,
        strong: Adjacency, partial: Adjacency,
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
        p_indptr, p_other, _ = self._partial
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


def build_clusters(
    pairs: Iterable[Pair], docs: Sequence[Document], not_agency: npt.NDArray[np.int8] | None = None, min_linkage: float = 0.5,
) -> list[Cluster]:
    """The clusters :func:`cluster_table` gives for verified pairs as :class:`~dedupe.models.Pair`
    objects, of the documents ``docs`` (``not_agency[k]``: 0 when document k is an agency's own
    item, as :func:`dedupe.origin.not_agency_flags` gives; default: none is)."""
    columns = columns_of(pairs, docs)
    flags = np.ones(len(docs), dtype=np.int8) if not_agency is None else not_agency
    keys = OriginKeys(flags, date_keys([d.date for d in docs]), id_ranks(docs))
    return list(cluster_table(columns, report_order(columns, keys.rank), docs, keys, directions(columns, keys), min_linkage))
