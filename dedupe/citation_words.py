"""The Arabic word lists of citation extraction, read from ``dedupe/data/citation_words.tsv``.

The lists (the words that make a name a cited source — وكالة, قال, ذكرت, بحسب, نقلا عن —, the
words of anonymous sourcing, the papers named after their city, the clitics glued to a word)
are language data, kept in one file a linguist can edit: one ``list<TAB>word<TAB>note`` line
per entry, each list described in the file's header. Entries are in normalized form (see
:mod:`dedupe.normalize`: ة→ه, أ→ا, ى→ي, ؤ/ئ→ء), as the tokens they are compared with.

:func:`citation_words` reads the file once, at first use, into frozensets (and tuples where
the order matters), which is what the extraction's hot loop looks words up in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["LISTS", "PHRASE_LISTS", "CitationWords", "citation_words", "parse_citation_words"]


@dataclass(frozen=True, slots=True)
class CitationWords:
    """The lists of ``citation_words.tsv``; the file's header says what each is for."""

    triggers: frozenset[str]
    speech: frozenset[str]
    report: frozenset[str]
    according: frozenset[str]
    relay: tuple[str, ...]
    """The words of the one relaying phrase, in order ("نقلا", "عن")."""
    interview: frozenset[str]
    object_pronouns: frozenset[str]
    anon_heads: frozenset[str]
    anon_qualifiers: frozenset[str]
    anon_phrases: tuple[tuple[str, ...], ...]
    place_names: frozenset[tuple[str, ...]]
    place_context: frozenset[str]
    clitics_outer: tuple[str, ...]
    clitics_inner: tuple[str, ...]
    clitic_prefixes: tuple[str, ...]
    anon_starts: frozenset[str]
    """Derived: the first word of each anonymous phrase, bare or with و/ف glued before it."""


LISTS = (
    "triggers", "speech", "report", "according", "relay", "interview", "object_pronouns", "anon_heads",
    "anon_qualifiers", "anon_phrases", "place_names", "place_context", "clitics_outer", "clitics_inner", "clitic_prefixes",
)
"""Every list the file must have."""
PHRASE_LISTS = frozenset({"relay", "anon_phrases", "place_names"})
"""Lists whose entries are phrases (words separated by one space); the others hold single words."""


def parse_citation_words(text: str, origin: str = "citation_words.tsv") -> CitationWords:
    """The lists of a ``citation_words.tsv`` text; ValueError on a line that is not
    ``list<TAB>word[<TAB>note]`` with a known list, or when a list is missing."""
    entries: dict[str, list[str]] = {name: [] for name in LISTS}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) not in (2, 3):
            raise ValueError(f"{origin} line {number}: expected list<TAB>word<TAB>note, got {len(columns)} columns")
        name, word = columns[0], columns[1]
        if name not in entries:
            raise ValueError(f"{origin} line {number}: unknown list {name!r}")
        if not all(word.split(" ")) or (name not in PHRASE_LISTS and " " in word):
            raise ValueError(f"{origin} line {number}: {word!r} is not a word of list {name!r}")
        entries[name].append(word)
    missing = [name for name, words in entries.items() if not words]
    if missing:
        raise ValueError(f"{origin}: no entries for {', '.join(missing)}")
    if len(entries["relay"]) != 1:
        raise ValueError(f"{origin}: 'relay' must be exactly one phrase")

    def words(name: str) -> frozenset[str]:
        return frozenset(entries[name])

    def phrases(name: str) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(phrase.split(" ")) for phrase in entries[name])

    anon_phrases = phrases("anon_phrases")
    return CitationWords(
        triggers=words("triggers"),
        speech=words("speech"),
        report=words("report"),
        according=words("according"),
        relay=phrases("relay")[0],
        interview=words("interview"),
        object_pronouns=words("object_pronouns"),
        anon_heads=words("anon_heads"),
        anon_qualifiers=words("anon_qualifiers"),
        anon_phrases=anon_phrases,
        place_names=frozenset(phrases("place_names")),
        place_context=words("place_context"),
        clitics_outer=tuple(entries["clitics_outer"]),
        clitics_inner=tuple(entries["clitics_inner"]),
        clitic_prefixes=tuple(entries["clitic_prefixes"]),
        anon_starts=frozenset(p + phrase[0] for phrase in anon_phrases for p in ("", "و", "ف")),
    )


@lru_cache(maxsize=1)
def citation_words() -> CitationWords:
    """The shipped lists (``dedupe/data/citation_words.tsv``), read once."""
    text = resources.files("dedupe.data").joinpath("citation_words.tsv").read_text(encoding="utf-8")
    return parse_citation_words(text, "dedupe/data/citation_words.tsv")
