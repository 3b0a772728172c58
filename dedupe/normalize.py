"""Arabic normalization for hashing, with a map back to the raw text.

The spec, applied in this order (the character tables live in ``dedupe/data/normalization.tsv``):

1. Unicode NFKC (presentation forms and ligatures such as ﻻ become plain letters).
2. Delete tatweel, Arabic marks (U+0610–061A, U+064B–065F, U+0670, U+06D6–06ED), zero-width
   and bidi controls (ZWSP, ZWNJ, ZWJ, LRM, RLM, ALM U+061C, U+202A–202E, U+2066–2069, BOM)
   and the soft hyphen.
3. Fold letters: أ إ آ ٱ → ا; ى → ي; ة → ه; ؤ ئ → ء; Persian/Urdu ک گ ی ے ہ ۀ ھ پ چ ژ ڤ → ك ك ي ي ه ه ه ب ج ز ف;
   Arabic-Indic and Eastern Arabic-Indic digits → ASCII digits.
4. Latin case folding (``str.casefold``).
5. Tokens are maximal runs of letters and digits: punctuation, quotes (، ؛ ؟ « » “ ”), the
   Arabic decimal separator, underscores (hashtags) and whitespace all separate tokens, so
   glued sentences such as ``2015م.وأكدت`` split in two. The normalized text is the tokens
   joined by one space.

The raw text is never modified. :func:`token_spans` gives each normalized token the
character span of the raw text it came from; it yields exactly the tokens of
:func:`tokenize` (a property test holds it to that).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

__all__ = ["TokenSpan", "line_tokens", "normalize", "token_offsets", "token_spans", "tokenize"]


@dataclass(frozen=True, slots=True)
class _Tables:
    delete: re.Pattern[str]
    frequent: tuple[tuple[str, str], ...]
    rare: re.Pattern[str] | None
    rare_table: dict[int, str]


# Folds applied with str.replace (one fast scan each); the rest go through translate, only
# when a document contains one of them. A dict-based translate of every document costs
# several times more than these scans.
_FREQUENT = frozenset("أإآٱىةؤئ")


def _code_points(spec: str) -> list[str]:
    chars: list[str] = []
    for part in spec.split():
        if ".." in part:
            lo, hi = part.split("..")
            chars.extend(chr(c) for c in range(_parse_cp(lo), _parse_cp(hi) + 1))
        else:
            chars.append(chr(_parse_cp(part)))
    return chars


def _parse_cp(token: str) -> int:
    return int(token[2:], 16) if token.upper().startswith("U+") else ord(token)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    text = resources.files("dedupe.data").joinpath("normalization.tsv").read_text(encoding="utf-8")
    deleted: list[str] = []
    folds: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        action, chars, target, _note = line.split("\t")
        sources = _code_points(chars)
        if action == "delete":
            deleted.extend(sources)
        elif action == "fold":
            targets = _code_points(target) if target.startswith("U+") else list(target)
            if ".." in target:
                lo, hi = target.split("..")
                targets = [chr(c) for c in range(ord(lo), ord(hi) + 1)]
            if len(targets) == 1:
                targets = targets * len(sources)
            if len(targets) != len(sources):
                raise ValueError(f"normalization.tsv: {chars!r} and {target!r} differ in length")
            folds.update(zip(sources, targets))
        else:
            raise ValueError(f"normalization.tsv: unknown action {action!r}")
    delete = re.compile("[" + "".join(re.escape(c) for c in deleted) + "]+")
    frequent = tuple((s, t) for s, t in folds.items() if s in _FREQUENT)
    rare_map = {ord(s): t for s, t in folds.items() if s not in _FREQUENT}
    rare = re.compile("[" + "".join(re.escape(chr(c)) for c in rare_map) + "]") if rare_map else None
    return _Tables(delete, frequent, rare, rare_map)


_WORD = re.compile(r"[^\W_]+")
_CHUNK = re.compile(r"\S+")


def _fold(text: str, depth: int = 0) -> str:
    tables = _tables()
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = tables.delete.sub("", text)
        for source, target in tables.frequent:
            if source in text:
                text = text.replace(source, target)
        if tables.rare is not None and tables.rare.search(text):
            text = text.translate(tables.rare_table)
    text = text.casefold()
    # Case folding and deletions can leave text that NFKC would compose further; one more
    # pass keeps normalize() idempotent. Some letters never settle (ǰ folds to j + caron,
    # which NFKC composes back to ǰ): after two passes the composed form is kept.
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        composed = unicodedata.normalize("NFKC", text)
        return composed if depth >= 2 else _fold(composed, depth + 1)
    return text


def tokenize(text: str) -> list[str]:
    """The normalized tokens of ``text``."""
    if len(text) <= _SHORT:  # titles and bylines are tokenized several times per document
        return list(_tokenize_short(text))
    return _WORD.findall(_fold(text))


_SHORT = 400


@lru_cache(maxsize=8192)
def _tokenize_short(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(_fold(text)))


_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029]")


def line_tokens(text: str) -> list[tuple[int, int, list[str]]]:
    """``(start, end, tokens)`` of every line of ``text`` (lines end at \\n, \\r, U+2028, U+2029).

    The whole text is folded once and then cut into lines: folding never adds, removes or
    merges across a line break, so each line's tokens are those :func:`tokenize` gives it.
    """
    raw_lines = _LINE_BREAK.split(text)
    folded_lines = _LINE_BREAK.split(_fold(text))
    if len(raw_lines) != len(folded_lines):  # cannot happen with the shipped tables; stay correct anyway
        folded_lines = [_fold(line) for line in raw_lines]
    out = []
    pos = 0
    for raw, folded in zip(raw_lines, folded_lines):
        out.append((pos, pos + len(raw), _WORD.findall(folded)))
        pos += len(raw) + 1
    return out


def normalize(text: str) -> str:
    """The normalized form of ``text``: its tokens joined by single spaces."""
    return " ".join(tokenize(text))


@dataclass(frozen=True, slots=True)
class TokenSpan:
    token: str
    start: int
    end: int


# A raw word starts with a letter or digit that survives folding (a run of bare tatweel is no word).
_RAW_WORD = re.compile(r"[^\W_\u0640][^\W_]*(?:[\u0610-\u061a\u064b-\u065f\u0670\u0640\u06d6-\u06ed\u200b-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\u00ad]+[^\W_]*)*")


_RAW_JOINERS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u0640\u06d6-\u06ed\u200b-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_RAW_START = re.compile(r"[^\W_\u0640]")
_RAW_CONTINUE = re.compile(r"[^\W_]")
# Below this many characters the regex is cheaper than the array set-up.
_ARRAY_SPANS_MIN = 256


@lru_cache(maxsize=1)
def _raw_classes() -> npt.NDArray[np.uint8]:
    """Per BMP code point: 1 when it can start a raw word, 2 when it can only continue one."""
    classes = np.zeros(0x10000, dtype=np.uint8)
    for cp in range(0x10000):
        c = chr(cp)
        if _RAW_START.fullmatch(c):
            classes[cp] = 1
        elif _RAW_CONTINUE.fullmatch(c) or _RAW_JOINERS.fullmatch(c):
            classes[cp] = 2
    return classes


def _raw_word_spans(text: str, by_arrays: bool | None = None) -> tuple[list[int], list[int]]:
    """Starts and ends of the matches of ``_RAW_WORD`` in ``text``.

    A match starts at a letter or digit other than tatweel and runs to the end of the run of
    word characters and joiners it stands in, so with a class per code point the spans are
    the runs of those characters, each cut at its first starting character (numpy, for long
    texts; the regex for short ones or text outside the BMP). ``by_arrays`` forces the numpy
    path on a text it can take (default: when the text is long enough to pay)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if by_arrays is None:
        by_arrays = len(codes) >= _ARRAY_SPANS_MIN
    if not by_arrays or len(codes) == 0 or int(codes.max()) > 0xFFFF:
        spans = [w.span() for w in _RAW_WORD.finditer(text)]
        return [a for a, _ in spans], [b for _, b in spans]
    classes = _raw_classes()[codes]
    inside = np.empty(len(codes) + 2, dtype=np.int8)
    inside[0] = inside[-1] = 0
    np.not_equal(classes, 0, out=inside[1:-1].view(np.bool_))
    edges = np.diff(inside)
    run_starts = np.flatnonzero(edges == 1)
    run_ends = np.flatnonzero(edges == -1)
    starters = np.flatnonzero(classes == 1)
    if len(starters) == 0:
        return [], []
    k = np.searchsorted(starters, run_starts)
    first = starters[np.minimum(k, len(starters) - 1)]
    ok = (k < len(starters)) & (first < run_ends)
    return first[ok].tolist(), run_ends[ok].tolist()


def token_offsets(text: str, base: int = 0) -> tuple[list[str], list[int], list[int]]:
    """Tokens of ``text`` (exactly those of :func:`tokenize`) with the start and end offsets of
    each in ``text`` (plus ``base``), as three parallel lists.

    Usually each raw word (letters and digits, with any marks or controls inside it) gives
    one token, and the offsets come from the raw words directly. When the counts differ
    (ligatures, compatibility forms), normalization is redone chunk by chunk: it never joins
    characters across whitespace, so every token falls inside one whitespace-separated
    chunk; it gets the raw word's span when the chunk lines up one to one, else the chunk's.
    """
    tokens = tokenize(text)
    word_starts, word_ends = _raw_word_spans(text)
    if len(word_starts) == len(tokens):
        if base:
            return tokens, [base + a for a in word_starts], [base + b for b in word_ends]
        return tokens, word_starts, word_ends
    starts: list[int] = []
    ends: list[int] = []
    for chunk in _CHUNK.finditer(text):
        chunk_tokens = tokenize(chunk.group())
        if not chunk_tokens:
            continue
        chunk_spans = [w.span() for w in _RAW_WORD.finditer(chunk.group())]
        offset = base + chunk.start()
        if len(chunk_spans) == len(chunk_tokens):
            starts.extend(offset + a for a, _ in chunk_spans)
            ends.extend(offset + b for _, b in chunk_spans)
        else:
            starts.extend(offset for _ in chunk_tokens)
            ends.extend(offset + len(chunk.group()) for _ in chunk_tokens)
    return tokens, starts, ends


def token_spans(text: str, base: int = 0) -> list[TokenSpan]:
    """:func:`token_offsets` as one :class:`TokenSpan` per token."""
    tokens, starts, ends = token_offsets(text, base)
    return [TokenSpan(t, a, b) for t, a, b in zip(tokens, starts, ends)]
