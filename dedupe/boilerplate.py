"""Outlet boilerplate learned from the corpus: shingles found in a large share of one outlet's
documents are that outlet's furniture (footers, share widgets, standing paragraphs too varied
to list in ``dedupe/data/boilerplate.tsv``), removed before signatures so that two stories of
one outlet are not paired by what every page of it carries.

Nothing is learned without an outlet (pooling sources would make a much-copied story look like
furniture), and a document that would lose most of its text shares it with many others of its
outlet: it is a much-copied story, not furniture around one, and keeps its shingles.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ._infra.counting import counted_in_place
from ._infra.ragged import Ragged
from .config import Config
from .models import Finding

__all__ = ["learn_boilerplate", "remove_boilerplate"]

U32 = npt.NDArray[np.uint32]

_MEMBERSHIP_BLOCK = 2_000_000


def learn_boilerplate(outlets: Sequence[str], shingles: Ragged, config: Config) -> U32:
    """Shingles found in at least ``boilerplate_fraction`` (and ``boilerplate_min_docs``) of one
    outlet's documents, for outlets of at least ``boilerplate_min_outlet_docs`` documents;
    ``outlets[k]`` is document k's outlet."""
    by_outlet: dict[str, list[int]] = {}
    for i, outlet in enumerate(outlets):
        by_outlet.setdefault(outlet.lower(), []).append(i)
    found: list[U32] = []
    for outlet, members in by_outlet.items():
        if not outlet or len(members) < config.boilerplate_min_outlet_docs:
            continue
        values, counts = counted_in_place(np.concatenate([shingles[i] for i in members]))
        floor = max(config.boilerplate_min_docs, int(np.ceil(config.boilerplate_fraction * len(members))))
        found.append(values[counts >= floor])
    return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.uint32)


def remove_boilerplate(shingles: Ragged, findings: Sequence[list[Finding]], boilerplate: U32) -> None:
    """Drop ``boilerplate`` from every document's shingle set (in place), and add a finding to
    the documents that lost at least three shingles to it."""
    if len(boilerplate) == 0 or len(shingles) == 0:
        return
    values, starts = shingles.values, shingles.starts
    # Membership a block at a time (np.isin over every value would sort them all with indices).
    bp = np.sort(boilerplate)
    hit = np.empty(len(values), dtype=np.bool_)
    for lo in range(0, len(values), _MEMBERSHIP_BLOCK):
        part = values[lo : lo + _MEMBERSHIP_BLOCK]
        at = np.searchsorted(bp, part)
        at[at == len(bp)] = 0
        hit[lo : lo + len(part)] = bp[at] == part
    lengths = np.diff(starts)
    removed = shingles.count_per_array(hit)
    spared = (removed == 0) | (removed * 2 > lengths)
    for i in np.flatnonzero(spared & (removed > 0)).tolist():  # few: documents mostly made of boilerplate
        hit[starts[i] : starts[i + 1]] = False
    np.logical_not(hit, out=hit)
    shingles.keep(hit)
    del hit
    for i in np.flatnonzero(~spared & (removed >= 3)).tolist():
        n = int(removed[i])
        findings[i].append(Finding("outlet_boilerplate", f"{n} shingles of outlet-wide boilerplate not hashed", n))
