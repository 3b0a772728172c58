"""Page furniture learned locally in time: the blocks of teasers an outlet appends to its articles
of a few days ("related stories": the opening sentences of its other stories), which two of its
articles share without sharing a story.

A kept text line of at least ``furniture_min_tokens`` tokens is *echoed* by the other articles of
the same outlet, dated within ``furniture_window_days`` of it (or undated), that have the same
line; an article the outlet posted again (in another section: it echoes the opening lines) is left
out, being no teaser. An article's trailing run of two or more echoed lines is a teaser block, and furniture, when
its lines are echoed by different articles (teasers rotate: each line is echoed by its own set of
articles) and one of them by at least ``furniture_min_echoes``; the article's own lead never is.
The block may end in up to ``furniture_max_tail`` lines nobody echoes (teasers of stories not in
the corpus at hand), which go with it. A background paragraph an outlet reuses across its updates
of one story is echoed by the same few updates line after line, and stays reuse. When some one
article echoes every line of the block and the block is more than ``furniture_max_share`` of the
article's tokens, the article is taken for a story posted again, not for teasers, and keeps them;
a rotating block is furniture however much of a short article it is (:func:`teaser_block`: the one
decision, which a check makes against its index's lines, :mod:`dedupe.pipeline.prepublish`). Corpus-wide outlet boilerplate
(:mod:`dedupe.boilerplate`) catches what recurs over the whole corpus; this catches what lives only
a few days.

:func:`furniture_lines` decides it from the lines' keys (:attr:`dedupe.prepare.Prepared.line_keys`)
for a whole scan at once; :func:`remove_furniture` drops those lines' shingles from the sets and
records a ``page_furniture`` finding.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt

from ._infra.ragged import Ragged
from ._infra.records import RecordFile
from .config import Config
from .locate import Located
from .models import Finding, Span
from .prepare import decode_record

__all__ = ["furniture_finding", "furniture_lines", "furniture_shingles", "remove_furniture", "teaser_block"]

I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]


def _echoes(group: I64, day: I64, doc: I64, window: int) -> list[frozenset[int]]:
    """For lines sorted by (group, day) — ``day`` -1 when undated — the other documents with the
    same line within ``window`` days (an undated line is within reach of every line)."""
    n = len(group)
    found: list[frozenset[int]] = [frozenset()] * n
    starts = np.flatnonzero(np.diff(group, prepend=-1))
    ends = np.append(starts[1:], n)
    several = ends - starts >= 2
    for lo, hi in zip(starts[several].tolist(), ends[several].tolist()):
        days, docs = day[lo:hi].tolist(), doc[lo:hi].tolist()
        for i in range(hi - lo):
            found[lo + i] = frozenset(
                docs[j] for j in range(hi - lo)
                if docs[j] != docs[i] and (days[i] < 0 or days[j] < 0 or abs(days[j] - days[i]) <= window)
            )
    return found


def furniture_lines(
    outlets: Sequence[str], days: I64, keys: Ragged, tokens: Ragged, token_counts: Sequence[int], config: Config,
) -> dict[int, list[int]]:
    """The furniture lines of each document that has any, as indices into its keyed lines.

    ``outlets[k]`` and ``days[k]`` (:func:`dedupe._infra.dates.day_keys`: -1 undated) are document
    k's outlet and day, ``keys[k]`` its line keys, ``tokens[k]`` its keyed lines' token ranges (three values a
    line: first token, the token after the last, whether it is the first text line) and
    ``token_counts[k]`` its hashed tokens."""
    lengths = keys.lengths()
    total = int(lengths.sum())
    if total == 0:
        return {}
    doc = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    spans = tokens.values.reshape(-1, 3)
    outlet_ids: dict[str, int] = {}
    outlet = np.array([outlet_ids.setdefault(o.casefold(), len(outlet_ids)) if o.strip() else -1 for o in outlets], dtype=np.int64)
    day = days[doc]
    key = keys.values.astype(np.uint64)
    line_outlet = outlet[doc]
    # Lines without an outlet learn nothing: pooling sources would make a copied story look like furniture.
    usable = np.flatnonzero(line_outlet >= 0)
    order = usable[np.lexsort((day[usable], key[usable], line_outlet[usable]))]
    new = np.ones(len(order), dtype=np.bool_)
    new[1:] = (key[order][1:] != key[order][:-1]) | (line_outlet[order][1:] != line_outlet[order][:-1])
    echoes: list[frozenset[int]] = [frozenset()] * total
    for at, echoed in zip(order.tolist(), _echoes(np.cumsum(new) - 1, day[order], doc[order], config.furniture_window_days)):
        echoes[at] = echoed

    found: dict[int, list[int]] = {}
    starts = keys.starts
    for k in np.unique(doc[[i for i, e in enumerate(echoes) if e]]).tolist():
        lo, hi = int(starts[k]), int(starts[k + 1])
        block = teaser_block(echoes[lo:hi], spans[lo:hi], token_counts[k], config)
        if block:
            found[k] = block
    return found


def teaser_block(echoes: Sequence[frozenset[Hashable]], spans: npt.NDArray[np.integer], tokens: int, config: Config) -> list[int]:
    """The lines of one document that are its teaser block (indices into its keyed lines), or none:
    ``echoes[i]`` are the other articles of its outlet, of those days, holding its line ``i``;
    ``spans`` its keyed lines' token ranges (:func:`furniture_lines`) and ``tokens`` its hashed
    tokens. The one decision of a scan (:func:`furniture_lines`) and of a check against an index."""
    n = len(echoes)
    if n == 0:
        return []
    first = spans[:, 2] == 1
    # The article posted again (another section) echoes its opening lines: not a teaser of it.
    reposts = echoes[0] & echoes[1] if n >= 2 else echoes[0]
    mine = [e - reposts for e in echoes]
    # The last lines may be teasers of stories no other article at hand carries: echoed by none.
    tail = 0
    while tail < min(n, config.furniture_max_tail) and not mine[n - 1 - tail] and not first[n - 1 - tail]:
        tail += 1
    run = 0
    while tail + run < n and mine[n - 1 - tail - run] and not first[n - 1 - tail - run]:
        run += 1
    block = mine[n - tail - run : n - tail]
    if run < 2 or max(len(e) for e in block) < config.furniture_min_echoes:
        return []
    common = frozenset.intersection(*block)
    if len(frozenset().union(*block)) == len(common):
        return []  # the same articles echo every line: one story's paragraphs, not teasers
    lost = int((spans[n - tail - run :, 1] - spans[n - tail - run :, 0]).sum())
    # Teasers rotate: when no one article echoes every line, the block is furniture however much
    # of a short article it is; an article echoed whole by another is a story posted again.
    if common and lost > config.furniture_max_share * tokens:
        return []
    return list(range(n - tail - run, n))


def furniture_shingles(located: Located, spans: npt.NDArray[np.integer]) -> tuple[U32, tuple[Span, ...]]:
    """The shingles that only the lines ``spans`` (token ranges, as in :func:`furniture_lines`) of
    a located document hold, and the lines' spans in its raw text."""
    inside = np.zeros(len(located.shingles), dtype=np.bool_)
    for t0, t1, _ in spans.tolist():
        inside[t0 : max(t0, t1 - located.n + 1)] = True  # shingles wholly inside the line
    removed = np.setdiff1d(located.shingles[inside], located.shingles[~inside])
    where = tuple(Span("text", int(located.starts[t0]), int(located.ends[t1 - 1])) for t0, t1, _ in spans.tolist())
    return removed, where


def furniture_finding(lines: int, where: tuple[Span, ...]) -> Finding:
    return Finding(
        "page_furniture", f"{lines} lines of page furniture not hashed (recurring in the outlet's articles of those days)", lines, where,
    )


def remove_furniture(
    found: dict[int, list[int]], shingles: Ragged, tokens: Ragged, spool: RecordFile, findings: Sequence[list[Finding]],
) -> None:
    """Drop from each document's shingle set (in place) the shingles that only its furniture lines
    ``found`` hold, and record a finding; the spool gives each document's shingle sequence."""
    if not found:
        return
    values, starts = shingles.values, shingles.starts
    keep = np.ones(len(values), dtype=np.bool_)
    for k, lines in found.items():
        _, _, located = decode_record(spool.read(k))
        assert located is not None, "a scan spools where each token sits"
        removed, where = furniture_shingles(located, tokens[k].reshape(-1, 3)[lines])
        lo, hi = int(starts[k]), int(starts[k + 1])
        keep[lo:hi] = ~np.isin(values[lo:hi], removed)
        findings[k].append(furniture_finding(len(lines), where))
    shingles.keep(keep)
