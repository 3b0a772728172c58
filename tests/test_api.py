from __future__ import annotations

import dedupe


def test_public_names_are_exported_and_sorted() -> None:
    names = [n for n in dedupe.__all__ if n != "__version__"]
    assert names == sorted(names)
    for name in dedupe.__all__:
        assert hasattr(dedupe, name), name


def test_library_round_trip_without_the_cli() -> None:
    a = dedupe.Document("a", "قال مصدر مطلع لرويترز إن المفاوضات التي تقودها قطر بين إسرائيل وحماس مستمرة بوتيرة أبطأ", outlet="x")
    b = dedupe.Document("b", "المفاوضات التي تقودها قطر بين إسرائيل وحماس مستمرة بوتيرة أبطأ بحسب مصدر مطلع", outlet="y")
    pair = dedupe.compare(a, b)
    assert pair is not None and pair.shared_shingles > 0
    prov = dedupe.extract(a)
    assert prov.sources == ("reuters",)
    assert isinstance(dedupe.default_registry(), dedupe.Registry)
    assert issubclass(dedupe.ConfigError, dedupe.DedupeError) and issubclass(dedupe.ConfigError, ValueError)
