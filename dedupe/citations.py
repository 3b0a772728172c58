"""Citation extraction: which sources an article cites, and its anonymous sourcing.

Citations are found on the raw title, text and byline (author) fields, token by token after
normalization (:mod:`dedupe.normalize`), so spelling variants, diacritics and glued clitics
(لرويترز, ولرويترز, للجزيرة, لـ"بوليتيكو") all match, and each citation keeps the exact span of
the raw field it came from. Source names come from the registry (:mod:`dedupe.registry`); the
words around them that make them citations, from ``dedupe/data/citation_words.tsv``
(:mod:`dedupe.citation_words`):

- *strong* aliases (رويترز, فرانس برس, وكالة الأنباء السعودية, أ ف ب…) are names wherever they
  stand as whole words, but still count only in an attribution context (a byline, a dateline, a
  credit line, "قال … لـ", "ذكرت", "نقلا عن", "وفقا لـ", "بحسب"), so an outlet that is the subject
  of a story is not taken for its source;
- *weak* aliases are also ordinary words, places or other names (واس in nothing but واس, yet
  الجزيرة is an island and a Saudi paper, العربية ends "الإمارات العربية المتحدة", الرياض is a
  city): an agency acronym needs a tight context (the byline, a dateline, parentheses, right
  after an attribution word); a newspaper or broadcaster name needs a word such as صحيفة, قناة,
  موقع or وكالة before it, or a credit line.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from .citation_words import CitationWords, citation_words
from .clean import clean
from .models import Citation, CitationField, CitationKind, Document, FieldName, Provenance, Span
from .normalize import token_offsets
from .registry import Registry, default_registry

__all__ = ["extract"]

# ---------------------------------------------------------------------------------- punctuation
# Punctuation is not language data: it stays here (the words are in dedupe/data/citation_words.tsv).
# Separators of a byline or dateline; in running text a comma separates clauses, not a dateline.
_SEPARATORS = frozenset("-–—:/|ـ")
_BYLINE_SEPARATORS = _SEPARATORS | frozenset("،,;")
_OPEN_QUOTES = frozenset("«\"“'")
_CLOSE_QUOTES = frozenset("»\"”'")


@lru_cache(maxsize=1 << 16)
def _strip_clitics(token: str) -> tuple[tuple[str, str], ...]:
    """``(stem, clitics)`` readings of a token: لرويترز → (رويترز, ل); للجزيره → (الجزيره, ل)."""
    words = citation_words()
    readings = [(token, "")]
    outer_options = [("", token)]
    for c in words.clitics_outer:
        if token.startswith(c) and len(token) > len(c) + 1:
            outer_options.append((c, token[len(c):]))
    for outer, rest in outer_options:
        if outer:
            readings.append((rest, outer))
        for c in words.clitics_inner:
            if rest.startswith(c) and len(rest) > 2:
                readings.append((rest[1:], outer + c))
        if rest.startswith("لل") and len(rest) > 3:
            readings.append(("ال" + rest[2:], outer + "ل"))
    return tuple(readings)


def _is(token: str, words: frozenset[str] | set[str]) -> bool:
    """``token`` is one of ``words``, possibly with a leading و/ف (وذكرت, فقال)."""
    return token in words or (len(token) > 3 and token[0] in "وف" and token[1:] in words)


def _is_report(token: str, words: CitationWords) -> bool:
    """A reporting verb, also with an object pronoun: نقلته, ذكرتها, اوردته."""
    if _is(token, words.report):
        return True
    for suffix in ("ها", "ه", "هم"):
        if token.endswith(suffix) and len(token) > len(suffix) + 2 and _is(token[: -len(suffix)], words.report):
            return True
    return False


@dataclass(slots=True)
class _Field:
    name: CitationField
    raw: str
    tokens: list[str]
    starts: list[int]
    ends: list[int]


@dataclass(slots=True)
class _Match:
    source: str
    weak: bool
    first: int  # token index of the name's first token
    last: int  # token index after the name
    clitics: str
    start: int
    end: int


def _matches(f: _Field, registry: Registry, outlet_source: str | None) -> list[_Match]:
    tokens = f.tokens
    found: list[_Match] = []
    resume = 0
    first_tokens, start_forms = registry.first_tokens, registry.start_forms
    # Only tokens that can start a name are looked at (most fields have a handful).
    present = start_forms.intersection(tokens)
    if not present:
        return found
    starts = [k for k, tok in enumerate(tokens) if tok in present]
    for i in starts:
        if i < resume:
            continue
        best: _Match | None = None
        tok = tokens[i]
        readings = ((tok, ""),) if tok in first_tokens else _strip_clitics(tok)
        for stem, clitics in readings:
            if stem not in registry.first_tokens:
                continue
            for length in registry.lengths_from[stem]:
                if length > len(tokens) - i:
                    continue
                alias = registry.lookup((stem, *tokens[i + 1 : i + length]))
                if alias is not None:
                    if best is None or length > best.last - best.first:
                        source = registry.resolve(alias, outlet_source)
                        best = _Match(source, alias.weak, i, i + length, clitics, f.starts[i], f.ends[i + length - 1])
                    break
        # A lone ل before a quoted name: لـ"بوليتيكو" normalizes to two tokens.
        if best is not None and not best.clitics and i > 0 and tokens[i - 1] == "ل":
            best.clitics = "ل"
        if best is not None:
            found.append(best)
            resume = best.last
    return found


def _before(f: _Field, index: int, count: int) -> list[str]:
    return f.tokens[max(0, index - count) : index]


def _skip_triggers(f: _Field, index: int, words: CitationWords) -> tuple[int, str]:
    """Step back over trigger words (وكالة الأنباء …) before a name: (index of the first, its clitics)."""
    j = index
    clitics = ""
    while j > 0 and j > index - 3:
        readings = _strip_clitics(f.tokens[j - 1])
        hit = next(((stem, c) for stem, c in readings if stem in words.triggers), None)
        if hit is None:
            break
        j -= 1
        clitics = hit[1]
    return j, clitics


_INLINE_SPACE = " \t\u00a0\u200e\u200f"


def _raw_neighbours(f: _Field, start: int, end: int) -> tuple[str, str]:
    """The characters next to a span, skipping spaces but not line breaks: a line's edge is
    ``""`` like the field's ("الرياض - واس" on a line of its own is framed)."""
    raw = f.raw
    k = start
    while k > 0 and raw[k - 1] in _INLINE_SPACE:  # walk, not strip: no copy of the text
        k -= 1
    m = end
    while m < len(raw) and raw[m] in _INLINE_SPACE:
        m += 1
    left = raw[k - 1] if k > 0 else ""
    right = raw[m] if m < len(raw) else ""
    return ("" if left in ("\n", "\r") else left), ("" if right in ("\n", "\r") else right)


def _line_bounds(raw: str, start: int, end: int) -> tuple[int, int]:
    line_start = raw.rfind("\n", 0, start) + 1
    line_end = raw.find("\n", end)
    return line_start, (len(raw) if line_end < 0 else line_end)


def _attribution(f: _Field, lead: int, last: int, clitics: str, named: bool, words: CitationWords) -> CitationKind | None:
    """The kind of citation the words around a name make of it: "نقلا عن", "وفقا لـ",
    "قال … لـ", "في مقابلة مع", "ذكرت", "بحسب ما نقلته", "صحيفة X قالت"…; None when
    nothing attributes. ``named`` is true when a word such as صحيفة/وكالة stands before it."""
    prev = _before(f, lead, 10)
    near = [t for t in _before(f, lead, 5) if t not in words.object_pronouns][-4:]
    if near[-2:] == list(words.relay) or (len(near) >= 3 and near[-3:-1] == list(words.relay)):
        return "relayed_from"
    if near and near[-1] == "عن" and any(_is_report(w, words) for w in near[:-1]):
        return "relayed_from"  # "نقلت رويترز عن التلفزيون السوري"
    if near and (_is(near[-1], words.according) or (near[-1] in ("ما", "لما") and len(near) > 1 and _is(near[-2], words.according))):
        return "according_to"
    if len(near) >= 2 and _is_report(near[-1], words) and any(_is(w, words.according) for w in near[:-1]):
        return "according_to"  # "بحسب ما نقلته", "وفقا لما ذكرته"
    if "ل" in clitics and any(_is(w, words.speech) for w in prev):
        return "quoted_to"
    following = f.tokens[last : last + 2]
    if "ل" in clitics and following[:1] in (["ان"], ["انه"], ["انها"]):
        return "quoted_to"  # "وقال … لبي بي سي إن"
    if near and near[-1] == "مع" and any(_is(w, words.interview) for w in near[:-1] + prev[-6:]):
        return "quoted_to"  # "في مقابلة تلفزيونية أجراها مع قناة CBS"
    if near and _is_report(near[-1], words) and not clitics:
        return "reported_by"
    if len(near) >= 2 and near[-1] == "ما" and (_is_report(near[-2], words) or _is(near[-2], words.according)):
        return "according_to"
    if named and following and (_is_report(following[0], words) or (len(following) > 1 and _is_report(following[1], words))):
        return "reported_by"  # "صحيفة ليبراسيون قالت", "صحيفة X الأمريكية ذكرت"
    return None


def _ends_line(raw: str, end: int, line_end: int) -> bool:
    """Only a closing bracket or quote and punctuation follow ``end`` on its line."""
    return not any(ch.isalnum() for ch in raw[end:line_end])


def _classify(f: _Field, m: _Match, registry: Registry, words: CitationWords) -> CitationKind | None:
    """How the article cites the matched name, or None when the name is not cited as a source.

    Strong names need an attribution context. Weak names need more: an agency acronym must
    stand right after its context word or next to a byline/dateline separator; a newspaper or
    broadcaster name that is also a word or a place (الوطن, الرياض, كان) must follow a word
    such as صحيفة/قناة, stand in quotes, follow "المصدر:", or sit alone between separators in
    a byline. A parenthesis is not enough for those: "(الاتحاد)" after a player's name is his
    club, "(الرياض)" after a reporter's name is his city.
    """
    source = registry.sources[m.source]
    first = m.first
    lead, lead_clitics = _skip_triggers(f, first, words)
    has_trigger = lead < first
    clitics = lead_clitics if has_trigger else m.clitics
    left, right = _raw_neighbours(f, m.start, m.end)
    quoted = left in _OPEN_QUOTES and right in _CLOSE_QUOTES and left != "" and right != ""
    bracketed = left == "(" and right == ")"
    separators = _BYLINE_SEPARATORS if f.name == "author" else _SEPARATORS
    # Between separators (or the ends of the field): "الرياض - واس", "واس - نجران", "سبق- الرياض:".
    framed = (left in separators or left == "") and (right in separators or right == "")
    weak, agency = m.weak, source.type == "agency"
    strict = weak and not agency
    is_place = tuple(f.tokens[m.first : m.last]) in words.place_names

    # A weak name inside a place name: الإمارات العربية المتحدة, جامعة الدول العربية.
    if weak and not has_trigger:
        if first > 0 and _is(f.tokens[first - 1], words.place_context):
            return None
        if m.last < len(f.tokens) and f.tokens[m.last] == "المتحده":
            return None

    if f.name == "author":
        if not weak or has_trigger or quoted:
            return "byline"
        if is_place:
            return None
        if agency and (left in separators or left == "") and right == "(":
            return "byline"  # "واس (برلين)"
        return "byline" if (framed or (agency and bracketed)) else None

    kind = _attribution(f, lead, m.last, clitics, has_trigger, words)
    if f.name == "title":
        colon_after = f.raw[m.end :].lstrip()[:1] in (":", "：")
        if colon_after and f.raw[: m.start].count(":") == 0 and not (strict and not (has_trigger or quoted)):
            return "headline_prefix" if kind in (None, "quoted_to") else kind
        if kind is None and (quoted or bracketed) and not strict:
            return "credit_line"
        return None if strict and not (has_trigger or quoted) else kind

    # Text: headline lines, datelines and credit lines are about where the name sits.
    line_start, line_end = _line_bounds(f.raw, m.start, m.end)
    line_first, line_stop = bisect_left(f.starts, line_start), bisect_left(f.starts, line_end)
    line_tokens = f.tokens[line_first:line_stop]
    credit_word = "المصدر" in _before(f, lead, 2) or (left == ":" and "المصدر" in line_tokens[:3])
    if kind is None:
        others = len(line_tokens) - (m.last - m.first)
        position = m.first - line_first
        first_line = f.raw[:line_start].strip() == ""
        stripped_line = f.raw[line_start:line_end].strip()
        colon_after = f.raw[m.end : line_end].lstrip()[:1] in (":", "：")
        if credit_word:
            kind = "credit_line"
        elif not first_line and others <= 1 and len(stripped_line) <= 40:
            kind = "credit_line"  # a line of its own: "(وكالات)", "فرانس24/ أ ف ب"
        elif colon_after and "ل" in clitics and position <= 3 and len(line_tokens) <= 25:
            kind = "headline_prefix"  # a headline line of the text: "مصدر لرويترز: …"
        elif "الموافق" in line_tokens and stripped_line.endswith(f.raw[m.start : m.end]):
            kind = "dateline"
        elif position <= 3 and (framed or bracketed or quoted or left in _SEPARATORS or right in _SEPARATORS):
            kind = "dateline"  # "ياوندي - أ.ف.ب:", "(رويترز) -", "واس - نجران"
        elif first_line and position <= 6 and (bracketed or quoted) and f.raw[m.end + 1 : line_end].lstrip()[:1] in _SEPARATORS:
            kind = "dateline"  # "دبي، الإمارات العربية المتحدة (CNN)--"
        elif (bracketed or quoted) and _ends_line(f.raw, m.end, line_end):
            kind = "credit_line"  # "… (وكالات)" closing a paragraph; mid-sentence, a quoted name is a subject
    if kind is None:
        return None
    if strict:
        if has_trigger or quoted or credit_word:
            return kind
        if kind == "dateline" and framed and not is_place:
            return kind
        return None
    if weak and agency:
        # An acronym counts right after its context word or in a frame, not ten words later.
        near = _before(f, lead, 1)
        if has_trigger or quoted or bracketed or framed or "ل" in clitics:
            return kind
        if kind == "dateline" and "الموافق" in line_tokens:
            return kind  # the SPA dateline: "… 1436 هـ الموافق 10 اغسطس 2015 م واس"
        if near and (_is_report(near[-1], words) or _is(near[-1], words.according)):
            return kind
        return None
    return kind


def _anonymous(f: _Field, words: CitationWords) -> list[Span]:
    if f.name == "author":
        return []
    tokens = f.tokens
    spans: list[Span] = []
    field_name: FieldName = "text" if f.name == "text" else "title"
    # Most fields name no anonymous source: rule them out with two C-speed tests.
    if words.anon_starts.isdisjoint(tokens):
        joined = " ".join(tokens)
        if "مصدر" not in joined and "مصادر" not in joined:
            return spans
    for i, tok in enumerate(tokens):
        # Cheap test first: the token ends with a head word (مصدر, لمصادر, ومصدر…) or starts a phrase.
        if tok.endswith(("مصدر", "مصادر")) and i + 1 < len(tokens):
            if {s for s, _ in _strip_clitics(tok)} & words.anon_heads and _is(tokens[i + 1], words.anon_qualifiers):
                spans.append(Span(field_name, f.starts[i], f.ends[i + 1]))
            continue
        if tok not in words.anon_starts:
            continue
        for phrase in words.anon_phrases:
            window = tokens[i : i + len(phrase)]
            if len(window) == len(phrase) and _is(window[0], frozenset({phrase[0]})) and list(window[1:]) == list(phrase[1:]):
                spans.append(Span(field_name, f.starts[i], f.ends[i + len(phrase) - 1]))
    return spans


def extract(
    doc: Document,
    registry: Registry | None = None,
    *,
    stripped_credit: bool | None = None,
    text_offsets: tuple[list[str], list[int], list[int]] | None = None,
) -> Provenance:
    """The sources ``doc`` cites (title, text and author fields), its anonymous sourcing, and
    whether a credit was stripped. ``stripped_credit`` and the text's
    :func:`~dedupe.normalize.token_offsets` may be passed when already known."""
    registry = registry or default_registry()
    words = citation_words()
    outlet_source = registry.source_for_outlet(doc.outlet)
    citations: list[Citation] = []
    anonymous: list[Span] = []
    for name, raw in (("author", doc.author), ("title", doc.title), ("text", doc.text)):
        if not raw or not raw.strip():
            continue
        if name == "title" and doc.title_in_text:
            continue  # the title is a line of the text: its citations are found there
        offsets = text_offsets if name == "text" and text_offsets is not None else token_offsets(raw)
        f = _Field(name, raw, *offsets)  # type: ignore[arg-type]
        previous: tuple[_Match, CitationKind] | None = None
        for m in _matches(f, registry, outlet_source):
            kind = _classify(f, m, registry, words)
            if previous is not None and previous[0].source == m.source and m.first - previous[0].last <= 1:
                kind = previous[1]  # a gloss: وكالة الأنباء السعودية (واس)
            if kind is not None:
                citations.append(Citation(m.source, kind, f.name, m.start, m.end, raw[m.start : m.end], m.source == outlet_source))
                previous = (m, kind)
        anonymous.extend(_anonymous(f, words))
    if stripped_credit is None:
        stripped_credit = any(finding.kind == "stripped_credit" for finding in clean(doc).findings)
    return Provenance(tuple(citations), tuple(anonymous), stripped_credit, outlet_source)
