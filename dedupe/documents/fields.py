"""Field maps: which key of a source record feeds each :class:`~dedupe.models.Document` attribute.

:class:`FieldMap` holds the candidate keys (``text``, ``body``, ``content``...) and
:func:`parse_field_option` turns command-line ``ATTR=KEY`` options into overrides.
Resolving the keys of one record is :class:`~dedupe.documents.records.RecordReader`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from typing import Final

from ..errors import ConfigError

ATTRIBUTES: Final[tuple[str, ...]] = (
    "id",
    "title",
    "text",
    "date",
    "outlet",
    "author",
    "url",
)
"""The :class:`Document` attributes a source key can be mapped to (``origin`` is ours, not the source's)."""


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which source keys feed each :class:`Document` attribute.

    Exports name the same thing differently (``body``, ``content``, ``DOCNO``...), so
    each attribute has candidate keys tried in order; the first key *present* in a
    record wins, even when its value is null or empty, so that a record's meaning does
    not depend on which of its fields happen to be filled in.
    """

    id: tuple[str, ...] = ("id", "doc_id", "docno", "DOCNO", "_id", "guid")
    title: tuple[str, ...] = ("title", "headline")
    text: tuple[str, ...] = ("text", "body", "content", "article")
    date: tuple[str, ...] = ("date", "published", "published_at", "pubDate", "datetime")
    outlet: tuple[str, ...] = ("outlet", "source", "site", "publisher")
    author: tuple[str, ...] = ("author", "byline", "authors")
    url: tuple[str, ...] = ("url", "link")

    def __post_init__(self) -> None:
        for f in dataclass_fields(self):
            keys = getattr(self, f.name)
            if (
                not isinstance(keys, tuple)
                or not keys
                or not all(isinstance(k, str) and k for k in keys)
            ):
                raise ConfigError(
                    f"FieldMap.{f.name} must be a non-empty tuple of non-empty strings, got {keys!r}"
                )

    def candidates(self, attribute: str) -> tuple[str, ...]:
        """The keys tried for ``attribute``, in order."""
        if attribute not in ATTRIBUTES:
            raise ConfigError(_unknown_attribute(attribute))
        keys: tuple[str, ...] = getattr(self, attribute)
        return keys

    def with_overrides(self, mapping: Mapping[str, str]) -> FieldMap:
        """Return a copy in which each overridden attribute is read from that one key only.

        Only the given key is tried, with no fallback to the defaults: a user who says
        ``text=body_html`` means it, and a typo must surface as "missing text field
        (looked for: body_html)" rather than silently reading some other column.
        """
        changes: dict[str, tuple[str, ...]] = {}
        for attribute, key in mapping.items():
            if attribute not in ATTRIBUTES:
                raise ConfigError(_unknown_attribute(attribute))
            if not isinstance(key, str) or not key.strip():
                raise ConfigError(
                    f"the source key for {attribute!r} must be a non-empty string, got {key!r}"
                )
            changes[attribute] = (key.strip(),)
        return replace(self, **changes)


DEFAULT_FIELDS: Final = FieldMap()


def _unknown_attribute(name: str) -> str:
    return f"unknown document attribute {name!r} (expected one of: {', '.join(ATTRIBUTES)})"


def parse_field_option(options: Iterable[str]) -> dict[str, str]:
    """Parse command-line ``ATTR=KEY`` options (``["text=body", "id=docid"]``) for :meth:`FieldMap.with_overrides`.

    Errors are :class:`~dedupe.errors.ConfigError` naming the offending option, because
    they come from the user's command line and must say exactly what to fix.
    """
    if isinstance(options, str):
        raise TypeError(
            "parse_field_option expects a list of 'ATTR=KEY' strings, not one string"
        )
    result: dict[str, str] = {}
    for option in options:
        attribute, sep, key = option.partition("=")
        attribute, key = attribute.strip(), key.strip()
        if not sep or not attribute or not key:
            raise ConfigError(
                f"field option {option!r} must look like ATTR=KEY, e.g. text=body"
            )
        if attribute not in ATTRIBUTES:
            raise ConfigError(
                f"field option {option!r}: {_unknown_attribute(attribute)}"
            )
        if attribute in result and result[attribute] != key:
            raise ConfigError(
                f"field option {option!r}: {attribute!r} is already mapped to {result[attribute]!r}"
            )
        result[attribute] = key
    return result
