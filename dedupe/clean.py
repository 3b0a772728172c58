"""Cleaning before shingling: what is removed from a document, each removal a finding.

Works on raw lines and returns the raw character ranges that are kept; nothing in the raw
text is changed. Removed:

- scraper markers (``[ad_1]``…), wire furniture (SPA datelines, ``// انتهى //``, filing times,
  multi-part headers, category prefixes of wire headlines such as ``عام /``),
  share-widget, subscription and "read more" lines, outlet footers and tag lists
  (patterns in ``dedupe/data/boilerplate.tsv``);
- a bare credit word left on the last line once its link was stripped (``المصدر``);
- lines repeated inside the document, the headline included: hashed once.

Outlet boilerplate too varied to list is learned from the corpus in :mod:`dedupe.pipeline`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .models import Document, FieldName, Finding, Span
from .normalize import line_tokens, normalize, tokenize

__all__ = ["Cleaned", "Line", "clean"]


@dataclass(frozen=True, slots=True)
class Line:
    """A kept piece of one raw line and its normalized tokens."""

    span: Span
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cleaned:
    lines: tuple[Line, ...]
    findings: tuple[Finding, ...]

    @property
    def tokens(self) -> list[str]:
        return [tok for line in self.lines for tok in line.tokens]


@dataclass(frozen=True, slots=True)
class _Rules:
    """The rules of ``boilerplate.tsv``: whole-line rules compiled into one alternation (a
    line is tried once, at its start); inline rules kept apart, because one alternation of
    them hides each pattern's literal prefix from the regex engine and scans several times
    slower. :func:`_inline_matches` gives exactly the matches their alternation would."""

    line: re.Pattern[str]
    inline: tuple[tuple[re.Pattern[str], str], ...]  # (pattern, group name), in file order
    kinds: dict[str, tuple[str, str]]  # group name -> (kind, scope)
    title_prefix: re.Pattern[str]
    bare_credits: frozenset[str]
    """Credit phrases (normalized) that, alone on the last line, are a stripped credit."""


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    text = resources.files("dedupe.data").joinpath("boilerplate.tsv").read_text(encoding="utf-8")
    line_parts: list[str] = []
    inline_parts: list[tuple[re.Pattern[str], str]] = []
    kinds: dict[str, tuple[str, str]] = {}
    prefixes: list[str] = []
    credits: set[str] = set()
    for number, row in enumerate(text.splitlines()):
        if not row.strip() or row.startswith("#"):
            continue
        kind, scope, pattern, _note = row.split("\t")
        if scope == "bare_credit":
            credits.add(pattern)
            continue
        re.compile(pattern)  # fail early, naming the bad pattern
        name = f"r{number}"
        kinds[name] = (kind, scope)
        if scope == "line":
            line_parts.append(f"(?P<{name}>{pattern})")
        elif scope in ("inline", "tail"):
            inline_parts.append((re.compile(pattern, re.IGNORECASE), name))
        elif scope == "title_prefix":
            prefixes.append(pattern)
        else:
            raise ValueError(f"boilerplate.tsv line {number + 1}: unknown scope {scope!r}")
    return _Rules(
        re.compile("|".join(line_parts) or "(?!)", re.IGNORECASE),
        tuple(inline_parts),
        kinds,
        re.compile("|".join(prefixes) or "(?!)"),
        frozenset(credits),
    )


_MIN_REPEAT_TOKENS = 3
_MAX_RULE_LINE = 500
_LINE = re.compile(r"[^\n\r\u2028\u2029]+")

_MESSAGES = {
    "scraper_marker": "scraper marker {text!r} removed",
    "wire_furniture": "wire furniture removed: {text!r}",
    "share_widget": "share widget removed: {text!r}",
    "subscription": "subscription footer removed: {text!r}",
    "outlet_footer": "outlet footer removed: {text!r}",
    "tag_list": "tag list removed: {text!r}",
}


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Collector:
    def __init__(self) -> None:
        self.spans: dict[tuple[str, str], list[Span]] = {}
        self.order: list[tuple[str, str]] = []

    def add(self, kind: str, text: str, span: Span) -> None:
        key = (kind, _short(text))
        if key not in self.spans:
            self.spans[key] = []
            self.order.append(key)
        self.spans[key].append(span)

    def findings(self) -> list[Finding]:
        out = []
        for kind, text in self.order:
            spans = tuple(self.spans[(kind, text)])
            message = _MESSAGES.get(kind, kind + ": {text!r}").format(text=text)
            if len(spans) > 1:
                message += f" ({len(spans)}×)"
            out.append(Finding(kind, message, len(spans), spans))
        return out


def _inline_matches(rules: _Rules, line: str) -> Iterator[tuple[str, int, int]]:
    """``(group name, start, end)`` of the inline rules' matches in ``line``, as a scan with
    their alternation finds them: the leftmost match, the first rule on a tie, then on from
    its end."""
    pos = 0
    pending: list[re.Match[str] | None] = [pattern.search(line) for pattern, _ in rules.inline]
    while True:
        best: tuple[int, int] | None = None
        for k, (pattern, _) in enumerate(rules.inline):
            m = pending[k]
            if m is not None and m.start() < pos:
                m = pending[k] = pattern.search(line, pos)
            if m is not None and (best is None or m.start() < best[0]):
                best = (m.start(), k)
        if best is None:
            return
        m = pending[best[1]]
        assert m is not None
        if m.end() == m.start():  # an empty match: step over it, as finditer does
            pos = m.end() + 1
            continue
        yield rules.inline[best[1]][1], m.start(), m.end()
        pos = m.end()


def _pieces(field: FieldName, raw: str, start: int, end: int, removed: _Collector) -> list[tuple[int, int]]:
    """Apply the boilerplate rules to one raw line; return the kept sub-ranges."""
    rules = _rules()
    line = raw[start:end]
    stripped = line.strip()
    # Whole-line rules describe short furniture lines (every pattern is bounded well below this).
    whole = rules.line.fullmatch(stripped) if len(stripped) <= _MAX_RULE_LINE else None
    if whole and whole.lastgroup:
        removed.add(rules.kinds[whole.lastgroup][0], stripped, Span(field, start, end))
        return []
    kept: list[tuple[int, int]] = []
    pos = 0
    for group, m_start, m_end in _inline_matches(rules, line):
        kind, scope = rules.kinds[group]
        cut_end = len(line) if scope == "tail" else m_end
        removed.add(kind, line[m_start:cut_end], Span(field, start + m_start, start + cut_end))
        if m_start > pos:
            kept.append((start + pos, start + m_start))
        pos = cut_end
        if scope == "tail":
            break
    if pos < len(line):
        kept.append((start + pos, end))
    return kept


def _line_spans(text: str) -> list[tuple[int, int, None]]:
    return [(m.start(), m.end(), None) for m in _LINE.finditer(text)]


def clean(doc: Document, text_offsets: tuple[list[str], list[int], list[int]] | None = None) -> Cleaned:
    """Decide which parts of ``doc`` are hashed, and record every removal as a finding.

    ``text_offsets`` may pass :func:`dedupe.normalize.token_offsets` of the text when the
    caller has it already; the lines' tokens are then taken from it.
    """
    removed = _Collector()
    lines: list[Line] = []
    seen: Counter[tuple[str, ...]] = Counter()
    first_seen: dict[tuple[str, ...], Span] = {}
    repeats: dict[tuple[str, ...], list[Span]] = {}
    title_in_body: list[Span] = []
    title_tokens: tuple[str, ...] = ()

    def keep(field: FieldName, start: int, end: int, raw: str, known: list[str] | None = None) -> None:
        tokens = tuple(tokenize(raw[start:end]) if known is None else known)
        if not tokens:
            return
        span = Span(field, start, end)
        if field == "text" and tokens == title_tokens:
            title_in_body.append(span)
        if len(tokens) >= _MIN_REPEAT_TOKENS and tokens in seen:
            repeats.setdefault(tokens, []).append(span)
            seen[tokens] += 1
            return
        seen[tokens] += 1
        first_seen.setdefault(tokens, span)
        lines.append(Line(span, tokens))

    title, text = doc.title, doc.text
    # Tokens of whole lines come from one pass over the text; only lines that lose a piece to a
    # rule are tokenized again, piece by piece.
    if text_offsets is None:
        tokens_of = {start: toks for start, end, toks in line_tokens(text) if start < end}
    else:
        all_tokens, starts, _ = text_offsets
        tokens_of = {
            start: all_tokens[bisect_left(starts, start) : bisect_left(starts, end)]
            for start, end, _ in _line_spans(text)
        }
    content_lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if not m.group().isspace()]
    # A .txt article's title is one of its own lines: hash it once, as part of the text.
    title_is_own_line = doc.title_in_text
    if title.strip():
        t_start = 0
        prefix = _rules().title_prefix.match(title)
        if prefix:
            removed.add("wire_furniture", prefix.group().strip(), Span("title", 0, prefix.end()))
            t_start = prefix.end()
        title_tokens = tuple(tokenize(title[t_start:]))
        if not title_is_own_line:
            for a, b in _pieces("title", title, t_start, len(title), removed):
                keep("title", a, b, title)

    # A bare credit word on the last non-empty line: its link was stripped by a scraper.
    stripped_credit: Finding | None = None
    if content_lines:
        s, e = content_lines[-1]
        rest_pieces = _pieces("text", text, s, e, _Collector())
        rest = " ".join(text[a:b].strip() for a, b in rest_pieces).strip()
        # A whole line's tokens are known already (often the line is the whole text).
        known = tokens_of.get(s) if rest_pieces == [(s, e)] else None
        rest_normalized = " ".join(known) if known is not None else normalize(rest) if rest else ""
        if rest and rest_normalized in _rules().bare_credits:
            at = text.find(rest, s, e)
            stripped_credit = Finding(
                "stripped_credit",
                f"credit word {rest!r} with no source after it (link stripped)",
                1,
                (Span("text", at, at + len(rest)),),
            )
            content_lines = content_lines[:-1]
            _pieces("text", text, s, e, removed)  # markers on that line are still reported
    for s, e in content_lines:
        pieces = _pieces("text", text, s, e, removed)
        if pieces == [(s, e)]:
            keep("text", s, e, text, tokens_of.get(s))
        else:
            for a, b in pieces:
                keep("text", a, b, text)

    findings = removed.findings()
    if stripped_credit is not None:
        findings.append(stripped_credit)
    if title_tokens:
        in_body = len(title_in_body)
        if in_body >= 2 or (in_body == 1 and not title_is_own_line):
            findings.append(Finding("repeated_title", f"title repeated {in_body}× in body", in_body, tuple(title_in_body)))
    for tokens, spans in repeats.items():
        if tokens == title_tokens:
            continue
        count = len(spans) + 1
        findings.append(
            Finding("repeated_line", f"line repeated {count}×: {_short(' '.join(tokens))!r}", count, (first_seen[tokens], *spans))
        )
    return Cleaned(tuple(lines), tuple(findings))
