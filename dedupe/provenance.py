"""Corpus provenance: which article of the corpus each article was copied from, and whether it says so.

:func:`copy_links` turns verified pairs into ``copied_from`` links from each derived article to
its likely origin, and flags reuse that credits neither the origin's outlet nor the sources the
origin cites. What an article cites comes from :func:`dedupe.citations.extract`, summed up per
article by :func:`article_info`; which sources are wire agencies, from the registry (callers pass
:meth:`dedupe.registry.Registry.is_agency` as ``agency_source``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .models import CopyLink, Pair, Provenance, Relation
from .registry import Registry

__all__ = ["ArticleInfo", "article_info", "copy_links", "credit_for"]

_FAR_FUTURE = datetime.max.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What :func:`copy_links` needs to know of an article."""

    outlet_source: str | None
    outlet_type: str | None
    date: datetime | None
    cited: frozenset[str]
    credit_kinds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Source id → the kinds of citation naming it."""


def article_info(prov: Provenance, outlet: str, date: datetime | None, registry: Registry) -> ArticleInfo:
    """The :class:`ArticleInfo` of an article from its citations, outlet and date."""
    outlet_source = prov.outlet_source or registry.source_for_outlet(outlet)
    kinds: dict[str, list[str]] = {}
    for c in prov.citations:
        kinds.setdefault(c.source, []).append(c.kind)
    return ArticleInfo(
        outlet_source,
        registry.sources[outlet_source].type if outlet_source in registry.sources else None,
        date,
        frozenset(c.source for c in prov.citations if not c.self_cited),
        {s: tuple(sorted(set(k))) for s, k in kinds.items()},
    )


def _date(d: datetime | None) -> datetime:
    if d is None:
        return _FAR_FUTURE
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def _origin_rank(doc_id: str, info: ArticleInfo, contained: float) -> tuple[int, datetime, float, str]:
    # An agency's own item beats a newspaper's copy; then the earlier one; then the one that is
    # more fully inside the other (the part, not the story stitched around it).
    return (0 if info.outlet_type == "agency" else 1, _date(info.date), -contained, doc_id)


def _basis(origin: ArticleInfo, derived: ArticleInfo) -> str:
    if (origin.outlet_type == "agency") != (derived.outlet_type == "agency"):
        return "agency"
    if origin.date is not None and derived.date is not None and _date(origin.date) != _date(derived.date):
        return "date"
    return "containment"


def credit_for(
    derived: ArticleInfo, origin: ArticleInfo, agency_source: Callable[[str], bool] = lambda s: False
) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """Whether ``derived`` credits the article it copies: ``(credited, how, creditable)``.

    *how* is the citation kinds naming the origin's outlet or sources (``same_outlet`` for an
    outlet's own article, ``common_source`` for a wire credited by two newspapers);
    *creditable* is the sources that would count as credit.
    """
    if derived.outlet_source is not None and derived.outlet_source == origin.outlet_source:
        # The outlet republishing its own article (or crawled twice) owes nobody a credit.
        return True, ("same_outlet",), (origin.outlet_source,)
    creditable = set(origin.cited)
    if origin.outlet_source:
        creditable.add(origin.outlet_source)
    creditable.discard(derived.outlet_source or "")
    credit_sources = sorted(creditable & derived.cited)
    if not credit_sources and origin.outlet_type == "agency" and "agencies" in derived.cited:
        credit_sources = ["agencies"]
    kinds = tuple(sorted({k for s in credit_sources for k in derived.credit_kinds.get(s, ())}))
    if not credit_sources and origin.outlet_type != "agency":
        # Two newspapers printing the same text, one of them crediting a wire agency in its
        # byline or dateline: both most likely took it from that wire, which is credited.
        wires = sorted(
            s for s in derived.cited - {derived.outlet_source or ""}
            if agency_source(s) and set(derived.credit_kinds.get(s, ())) & {"byline", "dateline", "credit_line"}
        )
        if wires:
            credit_sources = wires
            kinds = ("common_source",)
    return bool(credit_sources), kinds, tuple(sorted(creditable))


def copy_links(
    pairs: Iterable[Pair], info: Callable[[str], ArticleInfo], agency_source: Callable[[str], bool] = lambda s: False
) -> dict[str, list[CopyLink]]:
    """``copied_from`` links for every derived article of the verified pairs.

    Each duplicate, near-duplicate or partial pair gives one link, from the derived article to
    its likely origin: an agency's own item first, then the earlier article, then the one more
    fully contained in the other. Two copies of a common origin are not linked to each other
    (both already link to it). A link is *credited* when the derived article cites the origin's
    outlet or any source the origin cites; when it republishes its own outlet's article; or,
    when the origin is another newspaper, when it credits a wire agency (``agency_source(id)``)
    in its byline, dateline or a credit line — both papers most likely took the text from that
    wire (credit ``common_source``).
    """
    # (derived, origin, relation, jaccard, containment): not the pairs, which may carry passages.
    directed: list[tuple[str, str, Relation, float, float]] = []
    for p in pairs:
        if p.relation not in ("duplicate", "near_duplicate", "partial"):
            continue
        ia, ib = info(p.a), info(p.b)
        if _origin_rank(p.a, ia, p.containment_a_in_b) <= _origin_rank(p.b, ib, p.containment_b_in_a):
            directed.append((p.b, p.a, p.relation, p.jaccard, p.containment_a_in_b))
        else:
            directed.append((p.a, p.b, p.relation, p.jaccard, p.containment_b_in_a))
    origins_of: dict[str, set[str]] = {}
    for derived, origin, *_ in directed:
        origins_of.setdefault(derived, set()).add(origin)
    links: dict[str, list[CopyLink]] = {}
    for derived, origin, relation, jaccard, contained in directed:
        if origins_of.get(derived, set()) & origins_of.get(origin, set()):
            continue  # siblings: both copy a common origin
        d_info, o_info = info(derived), info(origin)
        credited, kinds, creditable = credit_for(d_info, o_info, agency_source)
        links.setdefault(derived, []).append(
            CopyLink(origin, relation, jaccard, round(contained, 4), credited, kinds, creditable, _basis(o_info, d_info))
        )
    for items in links.values():
        items.sort(key=lambda link: (-link.containment, link.origin))
    return links
