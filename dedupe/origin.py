"""Which of two copies is the original: the one rule that clusters and copy links share.

Of two documents bearing a reuse relation, the origin is

1. a wire agency's own item (the publishing outlet's source is an agency in the registry,
   :meth:`dedupe.registry.Registry.is_agency`) before anyone else's article;
2. then the earlier article (naive dates are taken as UTC; an undated article comes last);
3. then the one more fully contained in the other (the part, not the story stitched around it);
4. then the smaller id.

:func:`directions` applies it to every verified pair of a scan at once, from each document's
:class:`OriginKeys`. A cluster's original (:func:`cluster_original`) is its member that no
other member is an origin of: among the members first by (1) and (2), the one the rule makes
the origin of every other of them it shares a pair with, so that the original is never a copy
of another member. (Only a cycle among equally dated members, A before B before C before A by
containment, leaves none; the smallest id is taken then.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._infra.dates import NO_DATE, date_keys
from .models import Document, Provenance
from .registry import Registry
from .pairs import PairColumns, id_ranks, rounded

__all__ = ["Directions", "OriginKeys", "basis", "cluster_original", "directions", "not_agency_flags"]

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

@dataclass(frozen=True, slots=True)
class OriginKeys:
    """Per document, what the origin rule compares: 0 for an agency's own item (else 1), the
    date key (:func:`date_keys`) and the rank of the id."""

    not_agency: npt.NDArray[np.int8]
    when: I64
    rank: I64

    @classmethod
    def of(cls, docs: Sequence[Document], provenance: Sequence[Provenance], registry: Registry) -> OriginKeys:
        return cls(not_agency_flags(docs, provenance, registry), date_keys([d.date for d in docs]), id_ranks(docs))

    def first_key(self, k: int) -> tuple[int, int]:
        """Document k's place by agency and date (lower first)."""
        return int(self.not_agency[k]), int(self.when[k])


def not_agency_flags(docs: Sequence[Document], provenance: Sequence[Provenance], registry: Registry) -> npt.NDArray[np.int8]:
    """Per document, 0 when it is a wire agency's own item (its outlet's source is an agency in
    the registry), else 1: the first key of the origin rule."""
    out = np.ones(len(docs), dtype=np.int8)
    for k, (doc, prov) in enumerate(zip(docs, provenance)):
        source = prov.outlet_source or registry.source_for_outlet(doc.outlet)
        if registry.is_agency(source):
            out[k] = 0
    return out


@dataclass(frozen=True, slots=True)
class Directions:
    """Per verified pair: whether document ``a`` is the origin, and the share of each side's
    shingles found in the other, rounded as reported."""

    a_is_origin: npt.NDArray[np.bool_]
    a_in_b: F64
    b_in_a: F64


def directions(columns: PairColumns, keys: OriginKeys) -> Directions:
    """The origin rule applied to every pair of ``columns``."""
    a, b = columns.a, columns.b
    a_in_b, b_in_a = rounded(columns.shared, columns.size_a), rounded(columns.shared, columns.size_b)
    not_agency, when, rank = keys.not_agency, keys.when, keys.rank
    first = (not_agency[a] < not_agency[b]) | (
        (not_agency[a] == not_agency[b])
        & ((when[a] < when[b]) | ((when[a] == when[b]) & ((a_in_b > b_in_a) | ((a_in_b == b_in_a) & (rank[a] <= rank[b])))))
    )
    return Directions(first, a_in_b, b_in_a)


def basis(origin_agency: bool, derived_agency: bool, origin_when: int, derived_when: int) -> str:
    """What decided a link's direction: ``agency`` (one side is an agency's own item), ``date``
    (both dated, on different dates) or ``containment`` (no date to tell: a guess)."""
    if origin_agency != derived_agency:
        return "agency"
    if origin_when != NO_DATE and derived_when != NO_DATE and origin_when != derived_when:
        return "date"
    return "containment"


def cluster_original(members: Sequence[int], keys: OriginKeys, neighbours: dict[int, list[tuple[int, bool]]]) -> int:
    """The original of a cluster of documents ``members``: among those first by agency and date,
    the one no other of them is an origin of (the smallest id if none or several).
    ``neighbours[m]`` lists ``(other, m_is_origin)`` for the reuse pairs of ``m`` with other
    members, as :func:`directions` directs them (needed only when several members tie)."""
    first = min(keys.first_key(m) for m in members)
    tied = [m for m in members if keys.first_key(m) == first]
    if len(tied) > 1:
        among = set(tied)
        sources = [m for m in tied if all(m_is_origin for other, m_is_origin in neighbours.get(m, ()) if other in among)]
        if sources:
            tied = sources
    return min(tied, key=lambda m: int(keys.rank[m]))
