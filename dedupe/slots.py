"""The slots of a formula: the numbers and place names whose change turns one news item into
another written on the same frame (a cable to another country, a statement about another region,
another day's market figures).

:func:`slot_ids` gives each located token of a document its slot: a number by its digits (١٤٣٦هـ
and 1436 are one value), a place by the name it spells (بالرياض and الرياض are one place), 0 for
any other token. Place names are read from ``dedupe/data/places.tsv``; one listed with the article
is a place only with it (الخرج، بالخرج, never the verb خرج).

:func:`slot_changes` reads them along the alignment of two documents (the diagonal runs of
:mod:`dedupe.passages`): where the two texts go on together after a short gap in both (one to
``max_gap`` tokens each), the gap is an edit, and a *slot change* when each side's gap names a
place the other's lacks (النيجر where the other has بوليفيا) or when their numbers' digits differ
(30 where the other has 23; 5.1 tokenized as one number or two is no change). It also
counts the distinct slots the runs keep in both. A copy keeps its numbers and places and edits
words around them; a formula keeps its words and changes them: :mod:`dedupe.verify` calls a
pair whose changed slots outnumber its kept ones a template.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from ._infra import jit
from .locate import Located, Marks
from .models import Document
from .normalize import normalize, tokenize
from .shingles import TokenHasher

__all__ = ["MAX_GAP", "slot_changes", "slot_ids"]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

MAX_GAP = 8
"""The longest gap (in tokens, on either side) between two aligned runs that is read as an edit
of one frame rather than two passages apart."""

_CLITICS = ("", "و", "ب", "ل", "ف", "ك", "وب", "ول", "فب", "فل")
_DIGIT = re.compile(r"[0-9]+")


_PLACE = np.uint64(1 << 63)
_MAX_DIGITS = 17
"""Digits a number's slot keeps (the rest is dropped)."""


def _place(name: str) -> int:
    """A place's slot: the top bit set, then a hash of its name."""
    return (xxhash.xxh3_64_intdigest(name.encode()) >> 1) | (1 << 63)


def _number(digits: str) -> int:
    """A number's slot: its digits (at most 17) and how many they are, top bit clear; 0 for none."""
    digits = digits[:_MAX_DIGITS]
    return (int(digits) << 5) | len(digits) if digits else 0


def _digits(slot: int) -> str:
    """The digits of a number's slot (:func:`_number`)."""
    return str(slot >> 5).zfill(slot & 31)


def _bare(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


@lru_cache(maxsize=1)
def _place_forms() -> tuple[U64, U64]:
    """The token hashes of every written form of every place (sorted), and each form's slot."""
    text = resources.files("dedupe.data").joinpath("places.tsv").read_text(encoding="utf-8")
    forms: dict[str, int] = {}
    for row in text.splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        written = [tokenize(normalize(s))[0] for s in row.split("\t") if s.strip()]
        place = _place(_bare(written[0]))
        for spelling in written:
            bare = _bare(spelling)
            for clitic in _CLITICS:
                # A name written with the article is no place without it (الخرج, not the verb خرج).
                if bare == spelling:
                    forms.setdefault(clitic + bare, place)
                forms.setdefault(clitic + "ال" + bare, place)
            forms.setdefault("لل" + bare, place)
            forms.setdefault("ولل" + bare, place)
    words = sorted(forms)
    hashes = TokenHasher()(words)
    order = np.argsort(hashes)
    return hashes[order], np.array([forms[w] for w in words], dtype=np.uint64)[order]


def slot_ids(doc: Document, loc: Located, m: Marks) -> U64:
    """Each located token's slot (0: not a slot): a place by its name (top bit set), a number by
    its digits (:func:`_number`)."""
    keys, places = _place_forms()
    hashes = loc.hashes
    at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
    out = np.where(keys[at] == hashes, places[at], np.uint64(0)).astype(np.uint64)
    for t in np.flatnonzero(m.numeric).tolist():
        raw = (doc.title if loc.in_title[t] else doc.text)[loc.starts[t] : loc.ends[t]]
        out[t] = _number("".join(_DIGIT.findall(normalize(raw))))
    return out


def _changes_kernel(d: Any, n_a: Any, n_b: Any, slot_a: Any, slot_b: Any, max_gap: Any) -> Any:
    """:func:`_changes_python` as loops (compiled by numba)."""
    top = np.uint64(1) << np.uint64(63)
    changes = 0
    for r in range(1, len(d)):
        if d[r, 2] <= d[r - 1, 3]:
            continue
        a0, a1 = d[r - 1, 1] + n_a, d[r, 0]
        b0, b1 = d[r - 1, 3] + n_b, d[r, 2]
        if a1 - a0 < 1 or b1 - b0 < 1 or a1 - a0 > max_gap or b1 - b0 > max_gap:
            continue
        # Places: each side names one the other's gap lacks.
        only_a = False
        for t in range(a0, a1):
            if slot_a[t] & top:
                seen = False
                for u in range(b0, b1):
                    if slot_b[u] == slot_a[t]:
                        seen = True
                if not seen:
                    only_a = True
        only_b = False
        for u in range(b0, b1):
            if slot_b[u] & top:
                seen = False
                for t in range(a0, a1):
                    if slot_a[t] == slot_b[u]:
                        seen = True
                if not seen:
                    only_b = True
        if only_a and only_b:
            changes += 1
            continue
        # Numbers: the digits of each gap, read in order, neither a start of the other.
        values = np.zeros(2, dtype=np.uint64)
        lengths = np.zeros(2, dtype=np.int64)
        for side in range(2):
            lo, hi = (a0, a1) if side == 0 else (b0, b1)
            for t in range(lo, hi):
                v = slot_a[t] if side == 0 else slot_b[t]
                if v == 0 or v & top:
                    continue
                count = np.int64(v & np.uint64(31))
                digits = v >> np.uint64(5)
                for _ in range(count):
                    if lengths[side] >= 17:
                        break
                    count -= 1
                    values[side] = values[side] * np.uint64(10) + (digits // np.uint64(10) ** np.uint64(count)) % np.uint64(10)
                    lengths[side] += 1
        if lengths[0] == 0 or lengths[1] == 0:
            continue
        short, long = (0, 1) if lengths[0] <= lengths[1] else (1, 0)
        if values[long] // np.uint64(10) ** np.uint64(lengths[long] - lengths[short]) != values[short]:
            changes += 1
    covered = np.zeros(len(slot_a), dtype=np.bool_)
    for r in range(len(d)):
        for t in range(d[r, 0], min(d[r, 1] + n_a, len(slot_a))):
            covered[t] = True
    kept = slot_a[covered]
    kept = kept[kept != 0]
    return changes, len(np.unique(kept)) if len(kept) else 0


def _changes_python(d: I64, n_a: int, n_b: int, slot_a: U64, slot_b: U64, max_gap: int) -> tuple[int, int]:
    """Slot changes in the gaps between consecutive diagonal runs ``d`` (rows of
    :func:`dedupe.passages.diagonal_runs`), and the distinct slots the runs cover in ``a``: the
    reference of :func:`_changes_kernel`. A gap changes a slot when each side names a place the
    other lacks, or when the digits of the numbers in each, read in order, differ and neither is
    the start of the other (5.1 written as 5 ، 1; 363 ألف for 363,378 are no change)."""
    changes = 0
    for r in range(1, len(d)):
        prev, run = d[r - 1], d[r]
        if run[2] <= prev[3]:
            continue  # not in order in b: another passage, not an edit
        gap_a = [int(slot_a[t]) for t in range(prev[1] + n_a, run[0])]
        gap_b = [int(slot_b[t]) for t in range(prev[3] + n_b, run[2])]
        if not (1 <= len(gap_a) <= max_gap and 1 <= len(gap_b) <= max_gap):
            continue
        places_a = {v for v in gap_a if v >> 63}
        places_b = {v for v in gap_b if v >> 63}
        if places_a - places_b and places_b - places_a:
            changes += 1
            continue
        digits_a = "".join(_digits(v) for v in gap_a if v and not v >> 63)[:_MAX_DIGITS]
        digits_b = "".join(_digits(v) for v in gap_b if v and not v >> 63)[:_MAX_DIGITS]
        if digits_a and digits_b and not (digits_a.startswith(digits_b) or digits_b.startswith(digits_a)):
            changes += 1
    kept = {int(slot_a[t]) for row in d for t in range(row[0], min(row[1] + n_a, len(slot_a)))} - {0}
    return changes, len(kept)


def slot_changes(
    diagonal: I64, la: Located, slots_a: U64, lb: Located, slots_b: U64, compiled: bool | None = None,
) -> tuple[int, int]:
    """How many edits of the alignment ``diagonal`` change a slot, and how many distinct slots its
    runs keep (``compiled``: the numba kernel; default when numba is loaded)."""
    if len(diagonal) == 0:
        return 0, 0
    if jit.loaded() if compiled is None else compiled:
        changes, kept = jit.compiled(_changes_kernel)(
            np.ascontiguousarray(diagonal, dtype=np.int64), np.int64(la.n), np.int64(lb.n),
            np.ascontiguousarray(slots_a), np.ascontiguousarray(slots_b), np.int64(MAX_GAP),
        )
        return int(changes), int(kept)
    return _changes_python(diagonal, la.n, lb.n, slots_a, slots_b, MAX_GAP)
