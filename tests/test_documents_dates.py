"""``dedupe/documents/dates.py``: :func:`parse_date` for the date formats newsroom exports use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from dedupe.documents import parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            "2015-08-10 20:27:03",
            datetime(2015, 8, 10, 20, 27, 3),
            id="saudinewsnet-space-separated",
        ),
        pytest.param(
            "Sun, 18 Feb 2018 21:35:43 +0400",
            datetime(2018, 2, 18, 21, 35, 43, tzinfo=timezone(timedelta(hours=4))),
            id="ant-rfc2822-offset",
        ),
        pytest.param(
            "Mon, 14 May 2018 04:16:45 GMT",
            datetime(2018, 5, 14, 4, 16, 45, tzinfo=UTC),
            id="ant-rfc2822-gmt",
        ),
        pytest.param(
            "18 Feb 2018 21:35 -0500",
            datetime(2018, 2, 18, 21, 35, tzinfo=timezone(timedelta(hours=-5))),
            id="rfc2822-no-weekday-no-seconds",
        ),
        pytest.param(
            "Sun, 18 Feb 2018 21:35:43 -0000",
            datetime(2018, 2, 18, 21, 35, 43),
            id="rfc2822-unknown-zone-is-naive",
        ),
        pytest.param(
            "Sun, 18 Feb 18 21:35:43 EST",
            datetime(2018, 2, 18, 21, 35, 43, tzinfo=timezone(timedelta(hours=-5))),
            id="rfc822-two-digit-year-named-zone",
        ),
        pytest.param(
            "2015-08-10T20:27:03", datetime(2015, 8, 10, 20, 27, 3), id="iso-T"
        ),
        pytest.param(
            "2015-08-10T20:27:03Z",
            datetime(2015, 8, 10, 20, 27, 3, tzinfo=UTC),
            id="iso-Z",
        ),
        pytest.param(
            "2015-08-10T20:27:03.250+03:00",
            datetime(
                2015, 8, 10, 20, 27, 3, 250000, tzinfo=timezone(timedelta(hours=3))
            ),
            id="iso-fraction-offset",
        ),
        pytest.param("2015-08-10", datetime(2015, 8, 10), id="iso-date-only"),
        pytest.param("20150810", datetime(2015, 8, 10), id="iso-basic-date"),
        pytest.param(
            "  2015-08-10 20:27:03\n",
            datetime(2015, 8, 10, 20, 27, 3),
            id="surrounding-whitespace",
        ),
        pytest.param(
            "٢٠١٥-٠٨-١٠ ٢٠:٢٧:٠٣",
            datetime(2015, 8, 10, 20, 27, 3),
            id="arabic-indic-digits",
        ),
        pytest.param(
            1439238423, datetime(2015, 8, 10, 20, 27, 3, tzinfo=UTC), id="epoch-int"
        ),
        pytest.param(
            1439238423.5,
            datetime(2015, 8, 10, 20, 27, 3, 500000, tzinfo=UTC),
            id="epoch-float",
        ),
        pytest.param(
            "1439238423",
            datetime(2015, 8, 10, 20, 27, 3, tzinfo=UTC),
            id="epoch-string",
        ),
        pytest.param(None, None, id="null"),
        pytest.param("", None, id="empty"),
        pytest.param("   ", None, id="blank"),
    ],
)
def test_parse_date(value: object, expected: datetime | None) -> None:
    assert parse_date(value) == expected
    result = parse_date(value)
    if expected is not None and result is not None:
        assert (result.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("not a date", id="words"),
        pytest.param("25 شوال 1436", id="hijri-text"),
        pytest.param("10/08/2015", id="ambiguous-day-month"),
        pytest.param("2015-13-45", id="impossible-iso"),
        pytest.param("31 Feb 2018 10:00:00 +0000", id="impossible-rfc2822"),
        pytest.param(1439238423000, id="epoch-milliseconds-not-guessed"),
        pytest.param(True, id="boolean"),
        pytest.param(["2015-08-10"], id="list"),
        pytest.param(float("nan"), id="nan"),
    ],
)
def test_parse_date_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)
