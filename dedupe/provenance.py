"""Credit: whether an article that reuses another says where its text comes from.

:func:`credit_for` decides it, from what each article cites (:func:`dedupe.citations.extract`,
summed up per article by :func:`article_info`): the origin's outlet or a source the origin cites
counts as credit. :mod:`dedupe.links` turns verified pairs into ``copied_from`` links and asks it;
which sources are wire agencies comes from the registry (callers pass
:meth:`dedupe.registry.Registry.is_agency` as ``agency_source``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .models import Provenance
from .registry import Registry

__all__ = ["WIRE_CREDIT_KINDS", "ArticleInfo", "article_info", "credit_for"]

WIRE_CREDIT_KINDS = frozenset({"byline", "dateline", "credit_line"})
"""Citation kinds by which a paper credits a wire for the story it prints (not a passing quote)."""


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What the credit check (:func:`credit_for`) and the origin rule need to know of an article."""

    outlet_source: str | None
    outlet_type: str | None
    date: datetime | None
    cited: frozenset[str]
    credit_kinds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Source id → the kinds of citation naming it."""

    @property
    def is_agency(self) -> bool:
        """The article is a wire agency's own item."""
        return self.outlet_type == "agency"


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
    if not credit_sources and origin.is_agency and "agencies" in derived.cited:
        credit_sources = ["agencies"]
    kinds = tuple(sorted({k for s in credit_sources for k in derived.credit_kinds.get(s, ())}))
    if not credit_sources and not origin.is_agency:
        # Two newspapers printing the same text, one of them crediting a wire agency in its
        # byline or dateline: both most likely took it from that wire, which is credited.
        wires = sorted(
            s for s in derived.cited - {derived.outlet_source or ""}
            if agency_source(s) and set(derived.credit_kinds.get(s, ())) & WIRE_CREDIT_KINDS
        )
        if wires:
            credit_sources = wires
            kinds = ("common_source",)
    return bool(credit_sources), kinds, tuple(sorted(creditable))
