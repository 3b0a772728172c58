"""Headlines shared by different documents: equal after normalization, or nearly so (a
spelling variant, the spacing), grouped; "stocks open higher" and "stocks open lower" stay apart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from .models import HeadlineGroup

__all__ = ["headline_groups", "near_identical"]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


# Two words this similar (rapidfuzz ratio) are spellings of one word: ترمب/ترامب, الاميركي/الامريكي.
_SPELLING_VARIANT = 75.0


def near_identical(a: str, b: str, similarity: float) -> float:
    """The similarity (0-100) of two normalized headlines when they say the same thing, else 0.

    Spacing is ignored (``و حماس`` / ``وحماس``), and the rapidfuzz ratio of what is left must
    reach ``similarity``. A character ratio alone would join "stocks open higher" and "stocks
    open lower", or "talks led by Qatar" and "talks led by Egypt": so every word of one
    headline missing from the other must be a spelling variant of one of its words
    (``ترمب`` / ``ترامب``), not another word.
    """
    a_letters, b_letters = a.replace(" ", ""), b.replace(" ", "")
    score = fuzz.ratio(a_letters, b_letters, processor=None, score_cutoff=similarity)
    if not score:
        return 0.0
    a_words, b_words = set(a.split()), set(b.split())
    for missing, other_words, other_letters in ((a_words - b_words, b_words - a_words, b_letters), (b_words - a_words, a_words - b_words, a_letters)):
        for word in missing:
            if word in other_letters:
                continue  # only the spacing differs
            if not any(fuzz.ratio(word, other, processor=None) >= _SPELLING_VARIANT for other in other_words):
                return 0.0
    return float(score)


def headline_groups(
    headlines: Iterable[tuple[str, Sequence[str]]],
    similarity: float,
    min_tokens: int,
) -> list[HeadlineGroup]:
    """Group documents whose normalized headlines are equal or nearly so.

    ``headlines`` holds ``(doc_id, normalized headline tokens)``. Exact matches group first;
    near matches are looked for only between headlines sharing a rare token bigram, which
    keeps the comparison count near linear; see :func:`near_identical` for what counts.
    """
    by_text: dict[str, list[str]] = defaultdict(list)
    for doc_id, tokens in headlines:
        if len(tokens) >= min_tokens:
            by_text[" ".join(tokens)].append(doc_id)
    texts = list(by_text)
    uf = _UnionFind()
    score: dict[str, float] = {t: 100.0 for t in texts}
    postings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for idx, text in enumerate(texts):
        toks = text.split()
        for bigram in set(zip(toks, toks[1:])):
            postings[bigram].append(idx)
    compared: set[tuple[int, int]] = set()
    for ids in postings.values():
        if len(ids) < 2 or len(ids) > 50:
            continue
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                key = (ids[x], ids[y])
                if key in compared:
                    continue
                compared.add(key)
                s = near_identical(texts[ids[x]], texts[ids[y]], similarity)
                if s:
                    uf.union(texts[ids[x]], texts[ids[y]])
                    score[texts[ids[x]]] = min(score[texts[ids[x]]], s)
                    score[texts[ids[y]]] = min(score[texts[ids[y]]], s)
    grouped: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        grouped[uf.find(text)].append(text)
    out = []
    for members in grouped.values():
        doc_ids = sorted(doc_id for text in members for doc_id in by_text[text])
        if len(doc_ids) < 2:
            continue
        rep = max(members, key=lambda t: len(by_text[t]))
        out.append(HeadlineGroup(rep, tuple(doc_ids), round(min(score[t] for t in members), 2)))
    out.sort(key=lambda g: (-len(g.ids), g.headline))
    return out
