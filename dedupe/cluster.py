"""Clusters of verified pairs, and headlines shared by different documents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone

from rapidfuzz import fuzz

from .models import Cluster, ClusterMember, Edge, HeadlineGroup, Pair

__all__ = ["build_clusters", "headline_groups", "AGENCY_OUTLETS"]

CLUSTER_RELATIONS = frozenset({"duplicate", "near_duplicate"})
# Outlet codes of wire agencies: their own item is the likely original of a same-time copy.
AGENCY_OUTLETS = frozenset({"was", "spa", "reuters", "afp", "ap", "qna", "wam", "kuna", "bna", "ona", "mena", "anadolu", "dpa"})

_FAR_FUTURE = datetime.max.replace(tzinfo=timezone.utc)


def _date_key(d: datetime | None) -> datetime:
    if d is None:
        return _FAR_FUTURE
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def build_clusters(
    pairs: Iterable[Pair],
    meta: Callable[[str], tuple[str, datetime | None]],
) -> list[Cluster]:
    """Connected groups over duplicate and near-duplicate pairs.

    A member joins only through a verified pair, and every member lists its own edges, so a
    chain (A~B, B~C, A≁C) is visible in the output rather than hidden. Partial pairs link
    different stories (a story stitched from several wire items) and are not used to merge:
    they are listed as ``partial_links``. ``meta(id)`` gives ``(outlet, date)``.
    """
    uf = _UnionFind()
    edges: dict[str, list[Edge]] = defaultdict(list)
    partial: dict[str, set[str]] = defaultdict(set)
    for p in pairs:
        if p.relation in CLUSTER_RELATIONS:
            uf.union(p.a, p.b)
            edges[p.a].append(Edge(p.b, p.relation, p.jaccard))
            edges[p.b].append(Edge(p.a, p.relation, p.jaccard))
        elif p.relation == "partial":
            partial[p.a].add(p.b)
            partial[p.b].add(p.a)
    groups: dict[str, list[str]] = defaultdict(list)
    for node in list(edges):
        groups[uf.find(node)].append(node)

    def origin_key(doc_id: str) -> tuple[datetime, int, str]:
        outlet, date = meta(doc_id)
        return (_date_key(date), 0 if outlet.lower() in AGENCY_OUTLETS else 1, doc_id)

    clusters = []
    for members in groups.values():
        members.sort(key=origin_key)
        member_set = set(members)
        links = sorted({other for m in members for other in partial.get(m, ()) if other not in member_set})
        cluster_members = tuple(
            ClusterMember(m, meta(m)[0], meta(m)[1], tuple(sorted(edges[m], key=lambda e: (-e.jaccard, e.other))))
            for m in members
        )
        clusters.append(Cluster(0, members[0], cluster_members, tuple(links)))
    clusters.sort(key=lambda c: (-len(c.members), c.original))
    return [Cluster(i + 1, c.original, c.members, c.partial_links) for i, c in enumerate(clusters)]


def headline_groups(
    headlines: Sequence[tuple[str, tuple[str, ...]]],
    similarity: float,
    min_tokens: int,
) -> list[HeadlineGroup]:
    """Group documents whose normalized headlines are equal or nearly so.

    ``headlines`` holds ``(doc_id, normalized headline tokens)``. Exact matches group first;
    near matches (rapidfuzz ratio >= ``similarity`` on normalized text, ``processor=None``)
    are looked for only between headlines sharing a rare token bigram, which keeps the
    comparison count near linear.
    """
    by_text: dict[str, list[str]] = defaultdict(list)
    for doc_id, tokens in headlines:
        if len(tokens) >= min_tokens:
            by_text[" ".join(tokens)].append(doc_id)
    texts = list(by_text)
    uf = _UnionFind()
    score: dict[str, float] = {t: 100.0 for t in texts}
    postings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for idx, text in enumerate(texts):
        toks = text.split()
        for bigram in set(zip(toks, toks[1:])):
            postings[bigram].append(idx)
    compared: set[tuple[int, int]] = set()
    for ids in postings.values():
        if len(ids) < 2 or len(ids) > 50:
            continue
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                key = (ids[x], ids[y])
                if key in compared:
                    continue
                compared.add(key)
                s = fuzz.ratio(texts[ids[x]], texts[ids[y]], processor=None, score_cutoff=similarity)
                if s:
                    uf.union(texts[ids[x]], texts[ids[y]])
                    score[texts[ids[x]]] = min(score[texts[ids[x]]], s)
                    score[texts[ids[y]]] = min(score[texts[ids[y]]], s)
    grouped: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        grouped[uf.find(text)].append(text)
    out = []
    for members in grouped.values():
        doc_ids = sorted(doc_id for text in members for doc_id in by_text[text])
        if len(doc_ids) < 2:
            continue
        rep = max(members, key=lambda t: len(by_text[t]))
        out.append(HeadlineGroup(rep, tuple(doc_ids), round(min(score[t] for t in members), 2)))
    out.sort(key=lambda g: (-len(g.ids), g.headline))
    return out
