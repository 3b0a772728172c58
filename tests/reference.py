"""Slow, obviously correct references for the column code of a scan: clusters and copy links
computed pair by pair over :class:`~dedupe.models.Pair` objects and dictionaries, written from
the rules as the module docstrings state them (:mod:`dedupe.origin`, :mod:`dedupe.clusters`,
:mod:`dedupe.links`). The tests hold the scan's results equal to these on random graphs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from dedupe.models import Cluster, ClusterMember, CopyLink, Edge, Pair
from dedupe.provenance import ArticleInfo, credit_for

_LAST = datetime.max.replace(tzinfo=timezone.utc)


def _date(d: datetime | None) -> datetime:
    return _LAST if d is None else d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def is_origin(x: str, y: str, pair: Pair, agency: dict[str, bool], dates: dict[str, datetime | None]) -> bool:
    """Is ``x`` the origin of the pair ``pair`` between ``x`` and ``y``? Agency item first, then
    the earlier date, then the one more contained in the other, then the smaller id."""
    x_in_y = pair.containment_a_in_b if pair.a == x else pair.containment_b_in_a
    y_in_x = pair.containment_b_in_a if pair.a == x else pair.containment_a_in_b
    return (not agency[x], _date(dates[x]), -x_in_y, x) <= (not agency[y], _date(dates[y]), -y_in_x, y)


def clusters(
    pairs: Iterable[Pair], outlets: dict[str, str], dates: dict[str, datetime | None], agency: dict[str, bool], min_linkage: float,
) -> list[Cluster]:
    pairs = list(pairs)
    group: dict[str, str] = {}  # document -> the document naming its group
    members: dict[str, list[str]] = {}
    edges: dict[str, dict[str, Edge]] = defaultdict(dict)
    partial: dict[str, set[str]] = defaultdict(set)
    reuse: dict[str, list[tuple[str, Pair]]] = defaultdict(list)
    for p in pairs:
        if p.relation in ("duplicate", "near_duplicate", "partial"):
            reuse[p.a].append((p.b, p))
            reuse[p.b].append((p.a, p))
        if p.relation in ("duplicate", "near_duplicate"):
            edges[p.a][p.b] = Edge(p.b, p.relation, p.jaccard)
            edges[p.b][p.a] = Edge(p.a, p.relation, p.jaccard)
            for d in (p.a, p.b):
                if d not in group:
                    group[d] = d
                    members[d] = [d]
        elif p.relation == "partial":
            partial[p.a].add(p.b)
            partial[p.b].add(p.a)
    strong = sorted((p for p in pairs if p.relation in ("duplicate", "near_duplicate")), key=lambda p: (-p.jaccard, p.a, p.b))
    for p in strong:
        ga, gb = group[p.a], group[p.b]
        if ga == gb:
            continue
        cross = sum(1 for m in members[ga] for o in edges[m] if group[o] == gb)
        if cross < min_linkage * len(members[ga]) * len(members[gb]):
            continue
        for m in members[gb]:
            group[m] = ga
        members[ga] += members.pop(gb)
    found = []
    for docs in members.values():
        if len(docs) < 2:
            continue
        inside = set(docs)
        first = min((not agency[d], _date(dates[d])) for d in docs)
        tied = [d for d in docs if (not agency[d], _date(dates[d])) == first]
        sources = [t for t in tied if all(is_origin(t, u, p, agency, dates) for u, p in reuse[t] if u in tied)]
        original = min(sources or tied)
        rest = sorted((d for d in docs if d != original), key=lambda d: (not agency[d], _date(dates[d]), d))
        built = tuple(
            ClusterMember(d, outlets[d], dates[d], tuple(sorted((e for o, e in edges[d].items() if o in inside), key=lambda e: (-e.jaccard, e.other))))
            for d in [original, *rest]
        )
        links = tuple(sorted({o for d in docs for o in partial[d] if o not in inside}))
        linked = tuple(sorted({o for d in docs for o in edges[d] if o not in inside}))
        found.append(Cluster(0, original, built, links, linked))
    found.sort(key=lambda c: (-len(c.members), c.original))
    return [Cluster(k + 1, c.original, c.members, c.partial_links, c.linked) for k, c in enumerate(found)]


def copy_links(
    pairs: Iterable[Pair], infos: dict[str, ArticleInfo], agency_source: Callable[[str], bool],
) -> dict[str, list[CopyLink]]:
    agency = {d: i.outlet_type == "agency" for d, i in infos.items()}
    dates = {d: i.date for d, i in infos.items()}
    directed: list[tuple[str, str, Pair]] = []
    for p in pairs:
        if p.relation not in ("duplicate", "near_duplicate", "partial"):
            continue
        if is_origin(p.a, p.b, p, agency, dates):
            directed.append((p.b, p.a, p))
        else:
            directed.append((p.a, p.b, p))
    origins: dict[str, set[str]] = defaultdict(set)
    for derived, origin, _ in directed:
        origins[derived].add(origin)
    links: dict[str, list[CopyLink]] = defaultdict(list)
    for derived, origin, p in directed:
        if origins[derived] & origins[origin]:
            continue  # both copy a common origin
        d_info, o_info = infos[derived], infos[origin]
        credited, how, creditable = credit_for(d_info, o_info, agency_source)
        contained = p.containment_a_in_b if p.a == origin else p.containment_b_in_a
        if agency[origin] != agency[derived]:
            basis = "agency"
        elif dates[origin] is not None and dates[derived] is not None and _date(dates[origin]) != _date(dates[derived]):
            basis = "date"
        else:
            basis = "containment"
        links[derived].append(CopyLink(origin, p.relation, p.jaccard, contained, credited, how, creditable, basis))
    for found in links.values():
        found.sort(key=lambda link: (-link.containment, link.origin))
    return dict(links)
