"""Publication dates: :func:`parse_date`, for the date formats newsroom exports use.

ISO 8601, RFC 2822 (RSS) and epoch seconds, with Arabic-Indic digits; anything else
is refused rather than guessed, and the record reader keeps the document undated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Final

from .problems import short

_ARABIC_DIGITS: Final = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_EPOCH_RE: Final = re.compile(r"[+-]?\d{9,}(?:\.\d+)?")
_RFC2822_RE: Final = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s+(?:([+-])(\d{2})(\d{2})|(GMT|UTC|UT|Z))"
)
_MONTHS: Final[Mapping[str, int]] = {
    m: i
    for i, m in enumerate(
        (
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
        ),
        1,
    )
}
# One timezone object per offset: a corpus repeats a handful of offsets over millions of dates.
_TZ_CACHE: dict[int, timezone] = {0: UTC}


def _from_epoch(seconds: float) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"epoch seconds {seconds!r} out of range ({exc})") from None


def parse_date(value: object) -> datetime | None:
    """Parse a publication date as newsroom exports write it.

    Accepts ISO 8601 (``T`` or space, ``Z``, offsets, date only, basic ``YYYYMMDD``),
    RFC 2822 (``Sun, 18 Feb 2018 21:35:43 +0400``, RSS style), and epoch seconds as a
    number or a string of 9+ digits. Arabic-Indic digits are accepted. Returns ``None``
    for a missing or blank value: no date is not an error. Raises ``ValueError`` for
    anything else, so the caller can warn and keep the document undated rather than
    guess a wrong date (day/month order, milliseconds...).

    The result keeps what the source says: a value with an offset or zone gives an
    aware datetime, one without gives a naive datetime; epoch seconds give UTC.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not a date")  # noqa: TRY004 - one exception type for "not a date"
    if isinstance(value, (int, float)):
        return _from_epoch(value)
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(  # noqa: TRY004 - callers catch ValueError for any unusable date
            f"expected a date string or epoch seconds, got {type(value).__name__}"
        )
    s = value.strip()
    if not s:
        return None
    if not s.isascii():
        s = s.translate(_ARABIC_DIGITS)
    if _EPOCH_RE.fullmatch(s):
        return _from_epoch(float(s))
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        pass
    m = _RFC2822_RE.fullmatch(s)
    if m is not None:
        month = _MONTHS.get(m[2].lower())
        if month is not None:
            if m[7]:
                minutes = int(m[8]) * 60 + int(m[9])
                offset = minutes if m[7] == "+" else -minutes
                tz: timezone | None = _TZ_CACHE.get(offset)
                if tz is None:
                    tz = _TZ_CACHE.setdefault(
                        offset, timezone(timedelta(minutes=offset))
                    )
                if m[7] == "-" and minutes == 0:
                    tz = None  # RFC 2822: "-0000" means the zone is unknown
            else:
                tz = UTC
            try:
                return datetime(
                    int(m[3]),
                    month,
                    int(m[1]),
                    int(m[4]),
                    int(m[5]),
                    int(m[6] or 0),
                    tzinfo=tz,
                )
            except ValueError as exc:
                raise ValueError(f"invalid date {value!r}: {exc}") from None
    try:
        return parsedate_to_datetime(s)
    except (ValueError, TypeError, IndexError):
        raise ValueError(f"unrecognised date format: {short(value)}") from None
