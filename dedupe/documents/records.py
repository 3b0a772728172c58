"""Records: one parsed record (a JSON object, a CSV row) to one :class:`~dedupe.models.Document`.

Every format ends here, and so does the HTTP service through
:func:`~dedupe.documents.document_from_record`, so the field mapping, the type rules and
the renaming of repeated ids are the same whatever the input. One
:class:`RecordReader` serves one reading: the ids it has seen are what makes a repeat
a repeat, across all the files of a scan.
"""

from __future__ import annotations

from typing import Final

from ..errors import FieldError
from ..models import Document
from .dates import parse_date
from .fields import ATTRIBUTES, FieldMap
from .problems import Problems, json_type, record_error, short

# A plan says which key feeds each attribute, in ATTRIBUTES order (None: absent).
_Plan = tuple[str | None, ...]

# Exports repeat a handful of key layouts, so resolving keys once per layout saves the
# candidate search on every record; the bound keeps a file of ever-new layouts in check.
_PLAN_CACHE_SIZE: Final = 256


class RecordReader:
    """Maps records to documents for one reading: field plans resolved once per key layout, ids seen.

    ``read`` returns ``None`` for an unusable record after reporting why to
    ``problems``; a repeated id is kept, renamed ``id~2``, ``id~3``... with a warning.
    """

    def __init__(self, fields: FieldMap, problems: Problems) -> None:
        if not isinstance(fields, FieldMap):
            raise TypeError(f"fields must be a FieldMap, got {type(fields).__name__}")
        self.fields = fields
        self.problems = problems
        self.text_keys = ", ".join(fields.text)
        """The text candidates as messages list them ("looked for: text, body, ...")."""
        self._candidates = tuple(fields.candidates(a) for a in ATTRIBUTES)
        self._plans: dict[tuple[str, ...], _Plan] = {}
        self._seen: dict[str, str] = {}
        self._renames: dict[str, int] = {}

    def read(
        self,
        obj: dict[str, object],
        fallback_id: str,
        origin: str,
        path: str,
        line: int | None,
    ) -> Document | None:
        """One record to one Document, or None after reporting why the record is unusable.

        ``fallback_id`` is the id when the record has none; ``origin`` is where the
        record is (``path:LINE``, ``path#INDEX``); ``line`` is ``None`` outside line formats.
        """
        keys = tuple(obj)
        plan = self._plans.get(keys)
        if plan is None:
            plan = self._plan(keys)
        id_key, title_key, text_key, date_key, outlet_key, author_key, url_key = plan
        if text_key is None:
            reason = (
                f"missing text field (looked for: {self.text_keys}); record skipped"
            )
            self.problems.error(record_error(FieldError, reason, origin, path, line), path)
            return None
        try:
            text = _text_field(obj, "text", text_key)
            title = _text_field(obj, "title", title_key)
            outlet = _text_field(obj, "outlet", outlet_key)
            author = _text_field(obj, "author", author_key)
            url = _text_field(obj, "url", url_key)
            raw_id = obj[id_key] if id_key is not None else None
            if type(raw_id) is str and raw_id:
                doc_id: str = raw_id
            elif raw_id is None or raw_id == "":
                doc_id = fallback_id
            elif type(raw_id) is int:
                doc_id = str(raw_id)
            else:
                raise FieldError(
                    f"wrong type for id (key {id_key!r}): expected a string or an integer, got {json_type(raw_id)}; record skipped"
                )
        except FieldError as exc:
            self.problems.error(
                record_error(FieldError, exc.reason, origin, path, line), path
            )
            return None
        date = None
        if date_key is not None:
            raw_date = obj[date_key]
            if raw_date is not None and raw_date != "":
                try:
                    date = parse_date(raw_date)
                except ValueError as exc:
                    self.problems.warn(
                        origin,
                        f"cannot parse date {short(raw_date)} ({exc}); document kept with no date",
                        path,
                        line,
                    )
        doc_id = self.unique_id(doc_id, origin, path, line)
        return Document(
            id=doc_id,
            text=text,
            title=title,
            date=date,
            outlet=outlet,
            author=author,
            url=url,
            origin=origin,
        )

    def unique_id(self, doc_id: str, origin: str, path: str, line: int | None) -> str:
        """Keep every document even when ids repeat: later ones become ``id~2``, ``id~3``...

        Formats that make a document without a record (a ``.txt`` file) call this directly.
        """
        seen = self._seen
        if doc_id not in seen:
            seen[doc_id] = origin
            return doc_id
        n = self._renames.get(doc_id, 1)
        while True:
            n += 1
            candidate = f"{doc_id}~{n}"
            if candidate not in seen:
                break
        self._renames[doc_id] = n
        seen[candidate] = origin
        self.problems.warn(
            origin,
            f"duplicate id {doc_id!r} (first seen at {seen[doc_id]}); renamed to {candidate!r}",
            path,
            line,
        )
        return candidate

    def _plan(self, keys: tuple[str, ...]) -> _Plan:
        plan = tuple(
            next((k for k in cands if k in keys), None) for cands in self._candidates
        )
        if len(self._plans) >= _PLAN_CACHE_SIZE:
            self._plans.clear()
        self._plans[keys] = plan
        return plan


def _text_field(obj: dict[str, object], attribute: str, key: str | None) -> str:
    """The string value of ``attribute`` (read from ``key``), "" when unmapped; raise FieldError on a wrong type."""
    if key is None:
        return ""
    value = obj[key]
    return value if type(value) is str else _coerce(value, attribute, key)


def _coerce(value: object, attribute: str, key: str | None) -> str:
    """Numbers become text and null becomes empty; structures are refused rather than
    flattened, because their text would not be the article's."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if (
        attribute == "author"
        and isinstance(value, list)
        and all(isinstance(v, str) for v in value)
    ):
        return "، ".join(v for v in value if v)
    raise FieldError(
        f"wrong type for {attribute} (key {key!r}): expected a string, got {json_type(value)}; record skipped"
    )
