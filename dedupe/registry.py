"""The source registry: the news agencies and outlets articles cite, and the names they go by.

Sources come from ``dedupe/data/sources.json``, extensible (and overridable by id) with the
user's own files (:meth:`Registry.load`). Each source has

- *strong* aliases and abbreviations (رويترز, فرانس برس, وكالة الأنباء السعودية, أ ف ب…):
  names wherever they stand as whole words;
- *weak* aliases, which are also ordinary words, places or other names (واس in nothing but
  واس, yet الجزيرة is an island and a Saudi paper, العربية ends "الإمارات العربية المتحدة",
  الرياض is a city); :mod:`dedupe.citations` says which contexts make either kind a citation;
- the corpus outlet codes under which its own articles appear (``was`` → ``spa``).

The registry keeps every name as a sequence of normalized tokens (:mod:`dedupe.normalize`). A
weak name shared by several sources (الجزيرة: Al Jazeera and the Saudi Al-Jazirah) is resolved
by the publishing outlet (:meth:`Registry.resolve`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .citation_words import citation_words
from .errors import ConfigError
from .normalize import normalize

__all__ = ["SOURCE_TYPES", "Registry", "Source", "default_registry"]

SOURCE_TYPES = ("agency", "broadcaster", "newspaper", "site")


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    country: str
    type: str
    aliases: tuple[str, ...] = ()
    weak_aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    outlet_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Alias:
    source: str
    weak: bool
    others: tuple[str, ...] = ()
    """Other sources with the same (weak) name: الجزيرة is Al Jazeera and the Saudi Al-Jazirah."""


class Registry:
    """Sources by id, and their names as normalized token sequences."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self.sources: dict[str, Source] = {}
        for source in sources:
            self.sources[source.id] = source
        self._names: dict[tuple[str, ...], _Alias] = {}
        self._outlets: dict[str, str] = {}
        for source in self.sources.values():
            for form in (*source.aliases, *source.abbreviations):
                self._add(form, source.id, weak=False)
            for form in source.weak_aliases:
                self._add(form, source.id, weak=True)
            for code in source.outlet_codes:
                self._outlets[code.lower()] = source.id
        self.first_tokens = frozenset(key[0] for key in self._names)
        # Every written form a name's first token can take with clitics glued to it; a token
        # outside this set cannot start a name, which spares the clitic analysis of most words.
        forms = set(self.first_tokens)
        prefixes = citation_words().clitic_prefixes
        for t in self.first_tokens:
            forms.update(p + t for p in prefixes)
            if t.startswith("ال"):
                forms.update(p + "لل" + t[2:] for p in ("", "و", "ف"))
        self.start_forms = frozenset(forms)
        self.longest = max((len(k) for k in self._names), default=1)
        # For each first token, the lengths of the names it starts, longest first.
        lengths: dict[str, set[int]] = {}
        for key in self._names:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths_from = {t: tuple(sorted(ls, reverse=True)) for t, ls in lengths.items()}

    def _add(self, form: str, source: str, *, weak: bool) -> None:
        key = tuple(normalize(form).split())
        if not key:
            raise ConfigError(f"source {source!r}: alias {form!r} has no letters")
        known = self._names.get(key)
        if known is None:
            self._names[key] = _Alias(source, weak)
        elif known.source == source:
            self._names[key] = _Alias(source, known.weak and weak, known.others)
        elif known.weak and weak:
            # A weak name of several sources: which one is meant depends on who writes (resolve()).
            self._names[key] = _Alias(known.source, True, (*known.others, source))
        elif known.weak:
            self._names[key] = _Alias(source, False)  # a strong name wins over a weak one

    def resolve(self, alias: _Alias, outlet_source: str | None) -> str:
        """The source a (possibly shared) name means in an article by ``outlet_source``: one of
        the same country first (a Saudi paper's الجزيرة is Al-Jazirah), else agencies, then
        broadcasters, newspapers and sites, in registry order."""
        if not alias.others:
            return alias.source
        candidates = [alias.source, *alias.others]
        country = self.sources[outlet_source].country if outlet_source in self.sources else None
        rank = {t: n for n, t in enumerate(SOURCE_TYPES)}
        return min(
            candidates,
            key=lambda c: (self.sources[c].country != country, rank.get(self.sources[c].type, 9), candidates.index(c)),
        )

    def lookup(self, key: tuple[str, ...]) -> _Alias | None:
        return self._names.get(key)

    def source_for_outlet(self, outlet: str) -> str | None:
        """The registry id of a corpus outlet code (``was`` → ``spa``), if known."""
        return self._outlets.get(outlet.lower()) if outlet else None

    def is_agency(self, source_id: str | None) -> bool:
        """``source_id`` is a registered source of type ``agency`` (a wire: SPA, Reuters)."""
        return source_id is not None and source_id in self.sources and self.sources[source_id].type == "agency"

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, base: Registry | None = None, origin: str = "<data>") -> Registry:
        rows = data.get("sources")
        if not isinstance(rows, list):
            raise ConfigError(f"{origin}: expected an object with a 'sources' list")
        sources = dict(base.sources) if base else {}
        for n, row in enumerate(rows):
            if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not row["id"]:
                raise ConfigError(f"{origin}: source #{n} needs a non-empty string 'id'")
            kind = row.get("type", "site")
            if kind not in SOURCE_TYPES:
                raise ConfigError(f"{origin}: source {row['id']!r} has type {kind!r}; use one of {', '.join(SOURCE_TYPES)}")
            lists = {}
            for key in ("aliases", "weak_aliases", "abbreviations", "outlet_codes"):
                value = row.get(key, [])
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigError(f"{origin}: source {row['id']!r}: {key!r} must be a list of strings")
                lists[key] = tuple(value)
            sources[row["id"]] = Source(
                row["id"], str(row.get("name", row["id"])), str(row.get("country", "")), kind,
                lists["aliases"], lists["weak_aliases"], lists["abbreviations"], lists["outlet_codes"],
            )
        return cls(sources.values())

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> Registry:
        """The shipped registry, extended (and overridden by id) by the user's JSON files."""
        registry = default_registry()
        for path in extra:
            try:
                data = json.loads(Path(path).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ConfigError(f"{path}: cannot read source registry: {exc}") from exc
            registry = cls.from_data(data, base=registry, origin=str(path))
        return registry


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    text = resources.files("dedupe.data").joinpath("sources.json").read_text(encoding="utf-8")
    return Registry.from_data(json.loads(text), origin="dedupe/data/sources.json")
