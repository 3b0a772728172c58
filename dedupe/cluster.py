"""Clusters of verified pairs, and headlines shared by different documents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone

from rapidfuzz import fuzz

from .models import Cluster, ClusterMember, Edge, HeadlineGroup, Pair

__all__ = ["AGENCY_OUTLETS", "build_clusters", "headline_groups", "near_identical"]

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
    min_linkage: float = 0.5,
) -> list[Cluster]:
    """Groups of documents joined by duplicate and near-duplicate pairs, guarded against chaining.

    Pairs are taken strongest first. Two groups merge only through a verified pair, and only
    when at least ``min_linkage`` of all the pairs across them are verified too (average
    linkage on the verified graph): a chain A~B~C~D of rewrites, or a formula shared by many
    different announcements, stops growing instead of swallowing everything it touches. A
    verified pair that was not allowed to merge is kept: each side lists the other in
    ``linked``. Every member lists its own edges inside the group. Partial pairs link different
    stories (a story stitched from several wire items) and never merge; they are listed as
    ``partial_links``. ``meta(id)`` gives ``(outlet, date)``.
    """
    uf = _UnionFind()
    neighbours: dict[str, dict[str, Edge]] = defaultdict(dict)
    partial: dict[str, set[str]] = defaultdict(set)
    strong: list[tuple[float, str, str]] = []  # not the pairs themselves: they may carry passages
    for p in pairs:
        if p.relation in CLUSTER_RELATIONS:
            neighbours[p.a][p.b] = Edge(p.b, p.relation, p.jaccard)
            neighbours[p.b][p.a] = Edge(p.a, p.relation, p.jaccard)
            strong.append((p.jaccard, p.a, p.b))
        elif p.relation == "partial":
            partial[p.a].add(p.b)
            partial[p.b].add(p.a)
    groups: dict[str, list[str]] = {node: [node] for node in neighbours}
    for _, a, b in sorted(strong, key=lambda t: (-t[0], t[1], t[2])):
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        small, big = (ra, rb) if len(groups[ra]) <= len(groups[rb]) else (rb, ra)
        cross = sum(1 for m in groups[small] for other in neighbours[m] if uf.find(other) == big)
        if cross < min_linkage * len(groups[small]) * len(groups[big]):
            continue
        uf.union(ra, rb)
        root = uf.find(ra)
        merged = groups.pop(small) + groups.pop(big)
        groups[root] = merged

    def origin_key(doc_id: str) -> tuple[datetime, int, str]:
        outlet, date = meta(doc_id)
        return (_date_key(date), 0 if outlet.lower() in AGENCY_OUTLETS else 1, doc_id)

    clusters = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=origin_key)
        member_set = set(members)
        links = sorted({other for m in members for other in partial.get(m, ()) if other not in member_set})
        linked = sorted({other for m in members for other in neighbours[m] if other not in member_set})
        cluster_members = tuple(
            ClusterMember(
                m, meta(m)[0], meta(m)[1],
                tuple(sorted((e for o, e in neighbours[m].items() if o in member_set), key=lambda e: (-e.jaccard, e.other))),
            )
            for m in members
        )
        clusters.append(Cluster(0, members[0], cluster_members, tuple(links), tuple(linked)))
    clusters.sort(key=lambda c: (-len(c.members), c.original))
    return [Cluster(i + 1, c.original, c.members, c.partial_links, c.linked) for i, c in enumerate(clusters)]


# Two words this similar (rapidfuzz ratio) are spellings of one word: ترمب/ترامب, الاميركي/الامريكي.
_SPELLING_VARIANT = 75.0


def near_identical(a: str, b: str, similarity: float) -> float:
    """The similarity (0-100) of two normalized headlines when they say the same thing, else 0.

    Spacing is ignored (``و حماس`` / ``وحماس``), and the rapidfuzz ratio of what is left must
    reach ``similarity``. A character ratio alone would join "stocks open higher" and "stocks
    open lower", or "talks led by Qatar" and "talks led by Egypt": so every word of one
    headline missing from the other must be a spelling variant of one of its words
    (``ترمب`` / ``ترامب``), not another word.
    """
    a_letters, b_letters = a.replace(" ", ""), b.replace(" ", "")
    score = fuzz.ratio(a_letters, b_letters, processor=None, score_cutoff=similarity)
    if not score:
        return 0.0
    a_words, b_words = set(a.split()), set(b.split())
    for missing, other_words, other_letters in ((a_words - b_words, b_words - a_words, b_letters), (b_words - a_words, a_words - b_words, a_letters)):
        for word in missing:
            if word in other_letters:
                continue  # only the spacing differs
            if not any(fuzz.ratio(word, other, processor=None) >= _SPELLING_VARIANT for other in other_words):
                return 0.0
    return float(score)


def headline_groups(
    headlines: Iterable[tuple[str, Sequence[str]]],
    similarity: float,
    min_tokens: int,
) -> list[HeadlineGroup]:
    """Group documents whose normalized headlines are equal or nearly so.

    ``headlines`` holds ``(doc_id, normalized headline tokens)``. Exact matches group first;
    near matches are looked for only between headlines sharing a rare token bigram, which
    keeps the comparison count near linear; see :func:`near_identical` for what counts.
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
                s = near_identical(texts[ids[x]], texts[ids[y]], similarity)
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
