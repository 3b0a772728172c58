"""Dates as sortable integers: whole microseconds since 1970, undated last."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import numpy as np
import numpy.typing as npt

__all__ = ["NO_DATE", "date_keys", "day_keys"]

I64 = npt.NDArray[np.int64]

NO_DATE = np.iinfo(np.int64).max
"""The date key of an undated document: after every date."""
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


def date_keys(dates: Sequence[datetime | None]) -> I64:
    """Dates as whole microseconds since 1970 (UTC; naive dates taken as UTC), no date last:
    ordered as the datetimes are."""
    out = np.full(len(dates), NO_DATE, dtype=np.int64)
    for k, d in enumerate(dates):
        if d is not None:
            out[k] = ((d if d.tzinfo else d.replace(tzinfo=timezone.utc)) - _EPOCH) // _MICROSECOND
    return out


_DAY = 86_400_000_000


def day_keys(dates: Sequence[datetime | None]) -> I64:
    """The calendar day (UTC) of each date, as days since 1970; -1 when undated."""
    keys = date_keys(dates)
    return np.where(keys == NO_DATE, -1, keys // _DAY)
