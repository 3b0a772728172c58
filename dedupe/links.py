"""Copy links: each derived article's ``copied_from`` links to the corpus articles its text
was likely copied from, and whether it credits them.

Each duplicate, near-duplicate or partial pair gives one link, from the derived article to its
origin, directed by the one origin rule (:mod:`dedupe.origin`). Two copies of a common origin
are not linked to each other (both already link to it). Whether a link is credited is decided
by :func:`dedupe.provenance.credit_for`.

Computed over the verified pairs as columns (a scan at a million documents has tens of millions
of them); :class:`LinkTable` builds each document's links when asked for, and
:class:`DocumentTable` each document summary with its links. Finding sibling copies does not
vectorise: it is a plain-Python merge walk compiled by numba when installed. :func:`copy_links`
gives the same links from :class:`~dedupe.models.Pair` objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ._infra import jit
from ._infra.lazy import LazySequence
from .models import CopyLink, Document, DocumentSummary, Finding, Pair, Provenance
from ._infra.dates import date_keys
from .origin import Directions, OriginKeys, basis, directions
from .provenance import ArticleInfo, credit_for
from .relations import RELATIONS, kind
from .pairs import PairColumns, columns_of, id_ranks

__all__ = ["DocumentTable", "LinkTable", "copy_links", "link_table"]

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]

_REUSE = np.array(sorted(kind(r).code for r in RELATIONS if kind(r).reuse), dtype=np.int8)


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
    kernel = jit.when_it_pays(_mark_siblings, len(derived), compiled)
    if kernel is not None:
        kernel(indptr, origins, derived, origin, out)
        return out
    flags = out.tolist()
    _mark_siblings(indptr.tolist(), origins.tolist(), derived.tolist(), origin.tolist(), flags)
    return np.asarray(flags, dtype=np.bool_)


def link_table(
    columns: PairColumns,
    docs: Sequence[Document],
    keys: OriginKeys,
    directed: Directions,
    info: Callable[[int], ArticleInfo],
    agency_source: Callable[[str], bool] = lambda s: False,
    *,
    compiled: bool | None = None,
) -> LinkTable:
    """The copy links of the reuse pairs among ``columns`` of the documents ``docs``: ``keys``
    and ``directed`` (the pairs' directions) as :mod:`dedupe.origin` gives them, ``info(k)``
    document k's :class:`~dedupe.provenance.ArticleInfo`, ``agency_source(id)`` whether a
    cited source is a wire agency."""
    n = len(docs)
    rank = keys.rank
    chosen = np.flatnonzero(np.isin(columns.code, _REUSE)).astype(np.int32)
    a, b, a_first = columns.a[chosen], columns.b[chosen], directed.a_is_origin[chosen]
    contained = np.where(a_first, directed.a_in_b[chosen], directed.b_in_a[chosen])
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
    return LinkTable(columns, docs, indptr, origin[order], pair[order], keys, info, agency_source)


class LinkTable:
    """Each document's ``copied_from`` links (see :func:`link_table`), built when asked for."""

    def __init__(
        self, columns: PairColumns, docs: Sequence[Document], indptr: I64, origin: I32, pair: I32, keys: OriginKeys,
        info: Callable[[int], ArticleInfo], agency_source: Callable[[str], bool],
    ) -> None:
        self._columns, self._docs = columns, docs
        self._indptr, self._origin, self._pair, self._keys = indptr, origin, pair, keys
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
            how = basis(not self._keys.not_agency[o], not self._keys.not_agency[k], int(self._keys.when[o]), int(self._keys.when[k]))
            out.append(CopyLink(docs[o].id, RELATIONS[cols.code[p]], cols.jaccard(p), contained, credited, kinds, creditable, how))
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


def copy_links(
    pairs: Iterable[Pair], docs: Sequence[Document], infos: Sequence[ArticleInfo],
    agency_source: Callable[[str], bool] = lambda s: False,
) -> dict[str, list[CopyLink]]:
    """The links :func:`link_table` gives for verified pairs as :class:`~dedupe.models.Pair`
    objects, by derived document id; ``infos[k]`` is document k's ArticleInfo."""
    columns = columns_of(pairs, docs)
    not_agency = np.array([0 if i.is_agency else 1 for i in infos], dtype=np.int8)
    keys = OriginKeys(not_agency, date_keys([d.date for d in docs]), id_ranks(docs))
    table = link_table(columns, docs, keys, directions(columns, keys), infos.__getitem__, agency_source)
    return {docs[k].id: list(found) for k in range(len(docs)) if (found := table.of(k))}
