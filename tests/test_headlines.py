"""Shared headlines (dedupe.headlines): equal or nearly equal after normalization, not the same
frame with another fact."""

from __future__ import annotations

import pytest

from dedupe.headlines import headline_groups, near_identical
from dedupe.normalize import tokenize


def test_near_identical_headlines_group_across_outlets() -> None:
    headlines = [
        ("1", tuple(tokenize("مصدر لرويترز: المفاوضات التي تقودها قطر بين إسرائيل وحماس مستمرة"))),
        ("2", tuple(tokenize("مصدر لرويترز : المفاوضات التى تقودها قطر بين إسرائيل و حماس مستمرة"))),
        ("3", tuple(tokenize("مصدر لرويترز: المفاوضات التي تقودها مصر بين إسرائيل وحماس متعثرة"))),
        ("4", tuple(tokenize("أمير منطقة الرياض يستقبل مدير شرطة المنطقة"))),
    ]
    groups = headline_groups(headlines, similarity=92.0, min_tokens=4)
    assert [g.ids for g in groups] == [("1", "2")]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param("ترمب يعلن انسحاب بلاده من الاتفاق النووي مع ايران", "ترامب يعلن انسحاب بلاده من الاتفاق النووي مع ايران", True, id="spelling-variant-of-one-name"),
        pytest.param("امير منطقه الرياض يستقبل مدير شرطه المنطقه", "امير منطقه الرياض يستقبل مدير شرطه المنطقه", True, id="identical"),
        pytest.param("الاسهم الامريكيه تستهل تداولاتها علي ارتفاع", "الاسهم الامريكيه تستهل تداولاتها علي انخفاض", False, id="opposite-fact-one-word-but-short"),
        pytest.param("امير منطقه الرياض يستقبل سفير اليابان", "امير منطقه الرياض يستقبل سفير المانيا الاتحاديه", False, id="template-different-visitor"),
    ],
)
def test_near_identical_headlines(a: str, b: str, same: bool) -> None:
    assert bool(near_identical(a, b, 92.0)) is same
