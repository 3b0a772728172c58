"""The credit check (dedupe.provenance): what an article cites, summed up, and whether reuse of
another article credits it."""

from __future__ import annotations

from datetime import datetime

from dedupe.citations import extract
from dedupe.models import Document
from dedupe.provenance import ArticleInfo, article_info, credit_for
from dedupe.registry import default_registry


def test_article_info_sums_up_the_citations() -> None:
    registry = default_registry()
    doc = Document("x", "وقال مصدر لرويترز إن المحادثات مستمرة", author="الرياض - واس", outlet="alyaum")
    info = article_info(extract(doc, registry), doc.outlet, None, registry)
    assert info.cited == {"reuters", "spa"} and info.outlet_type == "newspaper"
    assert info.credit_kinds["spa"] == ("byline",) and info.credit_kinds["reuters"] == ("quoted_to",)
    wire = article_info(extract(Document("w", "نص الخبر", outlet="was"), registry), "was", None, registry)
    assert wire.outlet_source == "spa" and wire.outlet_type == "agency"


def _info(outlet: str | None, kind: str | None, cited: set[str], credit: str = "byline") -> ArticleInfo:
    return ArticleInfo(outlet, kind, datetime(2015, 8, 10), frozenset(cited), {s: (credit,) for s in cited})


def test_naming_the_origin_or_its_source_is_credit() -> None:
    wire = _info("spa", "agency", set())
    assert credit_for(_info("okaz", "newspaper", {"spa"}), wire) == (True, ("byline",), ("spa",))
    assert credit_for(_info("okaz", "newspaper", set()), wire) == (False, (), ("spa",))
    assert credit_for(_info("okaz", "newspaper", {"agencies"}, "credit_line"), wire)[:2] == (True, ("credit_line",))
    paper = _info("alriyadh", "newspaper", {"reuters"})
    assert credit_for(_info("okaz", "newspaper", {"reuters"}, "quoted_to"), paper) == (True, ("quoted_to",), ("alriyadh", "reuters"))


def test_a_wire_credit_covers_copying_another_paper_and_an_outlet_owes_itself_nothing() -> None:
    agency = default_registry().is_agency
    other_paper = _info("aleqtisadiya", "newspaper", set())
    assert credit_for(_info("alriyadh", "newspaper", {"spa"}, "dateline"), other_paper, agency)[:2] == (True, ("common_source",))
    assert credit_for(_info("alriyadh", "newspaper", {"spa"}, "quoted_to"), other_paper, agency)[0] is False  # a quote is not a wire credit
    assert credit_for(_info("almadina", "newspaper", set()), _info("almadina", "newspaper", set()))[:2] == (True, ("same_outlet",))
