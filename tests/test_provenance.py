"""Citation extraction on real sentences (SaudiNewsNet and ANT excerpts; see fixtures/inputs/README.md)."""

from __future__ import annotations

from datetime import datetime

import pytest

from dedupe import scan
from dedupe.documents import read_one
from dedupe.models import Document, Pair, Report
from dedupe.provenance import ArticleInfo, copy_links, extract

from .conftest import EXAMPLE, SEED_000, SEED_003


def cites(text: str, *, author: str = "", title: str = "", outlet: str = "") -> list[tuple[str, str]]:
    prov = extract(Document("x", text, title, outlet=outlet, author=author))
    for c in prov.citations:
        raw = {"text": text, "author": author, "title": title}[c.field]
        assert raw[c.start : c.end] == c.surface
    return [(c.source, c.kind) for c in prov.citations]


def test_seed_003_cites_reuters_in_its_headlines_and_as_quoted_to() -> None:
    doc = read_one(SEED_003)
    prov = extract(doc)
    kinds = [(c.source, c.kind) for c in prov.citations]
    assert kinds.count(("reuters", "headline_prefix")) == 3
    assert kinds.count(("reuters", "quoted_to")) == 2
    assert prov.sources == ("reuters",)
    assert [doc.text[s.start : s.end] for s in prov.anonymous] == ["مصدر مطلع"]
    assert not prov.stripped_credit


def test_seed_000_cites_nobody_and_has_a_stripped_credit() -> None:
    prov = extract(read_one(SEED_000))
    assert prov.citations == ()
    assert prov.stripped_credit


@pytest.mark.parametrize(
    ("text", "author", "expected"),
    [
        pytest.param("نص الخبر", "الرياض: واس", [("spa", "byline")], id="byline-spa-acronym"),
        pytest.param("نص الخبر", "الرياض-الوئام:", [("alweeam", "byline")], id="byline-glued-dash"),
        pytest.param(" الرياض 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس\n يواصل مهرجان تمور بريدة فعالياته", "", [("spa", "dateline")], id="spa-dateline"),
        pytest.param("دبي، الإمارات العربية المتحدة (CNN)-- وقعت هواتف سامسونغ المحمولة وسط أزمة", "", [("cnn", "dateline")], id="cnn-dateline-not-alarabiya"),
        pytest.param("فجير انتحاري مزدوج في شمال الكاميرون يوقع 11 قتيلا\nياوندي - أ.ف.ب: افاد مصدر مقرب من اجهزة الامن", "", [("afp", "dateline")], id="dotted-abbreviation-dateline"),
        pytest.param("وصرح لوكالة الأنباء الألمانية (د.ب.أ) بأن مثل هذا الإطار سيمنح الشركات فرصة", "", [("dpa", "quoted_to"), ("dpa", "quoted_to")], id="quoted-to-with-gloss"),
        pytest.param("قال مصدر مطلع لوكالة الأنباء رويترز، إن المفاوضات مستمرة", "", [("reuters", "quoted_to")], id="quoted-to-via-agency-words"),
        pytest.param("وأكد في تصريح لـ\"الجزيرة\" أن الاتفاق قريب", "", [("aljazeera", "quoted_to")], id="clitic-before-quoted-name"),
        pytest.param("على البنود اللازمة لمنع إيران من امتلاك سلاح نووي، بحسب ما أوردت وكالة «أسوشييتد بريس». وقال الجبير", "", [("ap", "according_to")], id="according-to-what-an-agency-reported"),
        pytest.param("وحسب وكالة الأنباء الألمانية \"د ب أ\"، قال الناطق باسم الوزارة", "", [("dpa", "according_to"), ("dpa", "according_to")], id="according-to-spaced-abbreviation"),
        pytest.param("وذكرت وكالة رويترز نقلا عن وكالة فرانس برس أن", "", [("reuters", "reported_by"), ("afp", "relayed_from")], id="x-relayed-from-y"),
        pytest.param("وقالت الوزارة في بيان.\n(وكالات)", "", [("agencies", "credit_line")], id="agencies-credit-line"),
        pytest.param("الخبر كاملا هنا.\nالمصدر: الجزيرة", "", [("aljazeera", "credit_line")], id="source-credit-line"),
    ],
)
def test_citation_kinds(text: str, author: str, expected: list[tuple[str, str]]) -> None:
    assert cites(text, author=author) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("الامامية في مواجهة متطرفي طالبان الذين يشنون هجومهم السنوي الواسع النطاق في الربيع", id="was-inside-wasi"),
        pytest.param("شهد تحسنا مستمرا لمدة عامين، وامتد الانتعاش الاقتصادي إلى معظم الدول", id="wam-inside-wamtadd"),
        pytest.param("لمنع الجماعات التي وصفها بالتكفيرية من دخول لبنان. وقال نائب رئيس المجلس", id="bna-inside-lubnan"),
        pytest.param("قامت بخنق الاطفال والقاء القنابل الصاعقة عليهم وتعزيز الأمن في قناة السويس", id="qna-inside-qanabil-and-qanat"),
        pytest.param("تحركت أمس من مدينة جدة حوالي الساعة التاسعة مساء بتوقيت مكة المكرمة", id="tass-inside-tasiaa"),
        pytest.param("وأعتقد أن الشرق الأوسط تجري صناعته من جديد الآن", id="middle-east-region-not-aawsat"),
        pytest.param("وصل الوفد إلى الرياض أمس قادما من المدينة المنورة", id="riyadh-city-not-newspaper"),
        pytest.param("اقتحمت قوات الأمن مكتب الجزيرة في القاهرة واعتقلت ثلاثة من العاملين", id="outlet-as-subject"),
        pytest.param("أعلنت دولة الإمارات العربية المتحدة عن مبادرة جديدة", id="arabiya-in-country-name"),
        pytest.param("وتقع الجزيرة في البحر الأحمر قبالة السواحل", id="jazeera-island"),
    ],
)
def test_traps_are_not_citations(text: str) -> None:
    assert cites(text) == []


def test_self_citation_is_marked() -> None:
    prov = extract(Document("x", "دبي، الإمارات العربية المتحدة (CNN)-- قال مسؤولون", outlet="CNN"))
    assert [(c.source, c.self_cited) for c in prov.citations] == [("cnn", True)]
    assert prov.outlet_source == "cnn"


def test_person_called_the_source_is_not_a_stripped_credit() -> None:
    prov = extract(Document("x", "قال مصدر مطلع إن المحادثات مستمرة.\nوقال المصدر لرويترز إن المحادثات لم تنهر"))
    assert not prov.stripped_credit
    assert ("reuters", "quoted_to") in [(c.source, c.kind) for c in prov.citations]


# ---------------------------------------------------------------------------------- corpus links



@pytest.fixture(scope="module")
def example_report() -> Report:
    return scan([EXAMPLE])


def test_newspaper_copies_of_spa_items_link_to_the_spa_item(example_report: Report) -> None:
    docs = {d.id: d for d in example_report.documents}
    spa_links = [(d, link) for d in example_report.documents for link in d.copied_from if docs[link.origin].outlet == "was"]
    assert len(spa_links) >= 8
    for doc, link in spa_links:
        assert doc.outlet != "was"
        cites_spa = "spa" in {c.source for c in doc.provenance.citations} if doc.provenance else False
        assert link.credited == cites_spa, (doc.id, link)
        assert (link.origin in doc.uncredited) == (not cites_spa)
    # The corpus shows both kinds: copies crediting SPA (in the byline) and copies that do not.
    assert {link.credited for _, link in spa_links} == {True, False}


def test_spa_item_is_never_derived_from_a_newspaper(example_report: Report) -> None:
    docs = {d.id: d for d in example_report.documents}
    for d in example_report.documents:
        if d.outlet == "was":
            assert all(docs[link.origin].outlet == "was" for link in d.copied_from)


def _info(outlet_source: str | None, kind: str | None, day: int, cited: set[str]) -> ArticleInfo:
    return ArticleInfo(outlet_source, kind, datetime(2015, 8, day), frozenset(cited), {s: ("byline",) for s in cited})


def _pair(a: str, b: str, relation: str, c_ab: float, c_ba: float) -> Pair:
    return Pair(a, b, relation, 0.3, c_ab, c_ba, 40, 100, 100)  # type: ignore[arg-type]


def test_stitched_article_links_to_each_wire_item_and_siblings_do_not_link() -> None:
    info = {
        "spa1": _info("spa", "agency", 10, set()),
        "spa2": _info("spa", "agency", 10, set()),
        "paper": _info("okaz", "newspaper", 11, set()),
        "other": _info("alyaum", "newspaper", 11, {"spa"}),
    }
    pairs = [
        _pair("spa1", "paper", "partial", 0.9, 0.3),
        _pair("spa2", "paper", "partial", 0.8, 0.3),
        _pair("spa1", "other", "near_duplicate", 0.7, 0.7),
        _pair("paper", "other", "partial", 0.4, 0.4),  # both copy spa1
    ]
    links = copy_links(pairs, info.__getitem__)
    assert sorted(link.origin for link in links["paper"]) == ["spa1", "spa2"]
    assert all(not link.credited for link in links["paper"])
    assert [(link.origin, link.credited, link.credit) for link in links["other"]] == [("spa1", True, ("byline",))]
    assert "spa1" not in links and "spa2" not in links


def test_credit_to_the_source_the_origin_cites_counts() -> None:
    info = {
        "orig": _info("alriyadh", "newspaper", 10, {"reuters"}),
        "copy": _info("okaz", "newspaper", 11, {"reuters"}),
    }
    (link,) = copy_links([_pair("orig", "copy", "near_duplicate", 0.8, 0.8)], info.__getitem__)["copy"]
    assert link.credited and "reuters" in link.origin_sources


def test_wire_credit_counts_when_the_matched_origin_is_another_newspaper() -> None:
    info = {
        "aleqt": _info("aleqtisadiya", "newspaper", 10, set()),  # dropped the SPA dateline
        "riyadh": _info("alriyadh", "newspaper", 11, {"spa"}),  # «جدة - واس» in its byline
        "okaz": _info("okaz", "newspaper", 11, set()),
    }
    agency = {"spa"}.__contains__
    links = copy_links([_pair("aleqt", "riyadh", "near_duplicate", 0.8, 0.8), _pair("aleqt", "okaz", "near_duplicate", 0.8, 0.8)], info.__getitem__, agency)
    assert [(link.credited, link.credit) for link in links["riyadh"]] == [(True, ("common_source",))]
    assert [link.credited for link in links["okaz"]] == [False]


def test_an_outlet_reposting_its_own_article_is_not_uncredited() -> None:
    info = {"first": _info("almadina", "newspaper", 10, set()), "again": _info("almadina", "newspaper", 11, set())}
    (link,) = copy_links([_pair("first", "again", "duplicate", 1.0, 1.0)], info.__getitem__)["again"]
    assert link.credited and link.credit == ("same_outlet",)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("وقال مدير الإعلام في «عكاظ» إن السوق يستقبل زواره طوال الأسبوع", id="quoted-name-as-employer"),
        pytest.param("وانتقد الرئيس وسائل الإعلام خصوصا «فوكس نيوز» في خطابه أمس", id="quoted-outlet-as-subject"),
    ],
)
def test_quoted_outlet_inside_a_sentence_is_not_a_credit(text: str) -> None:
    assert cites(text) == []


def test_shared_weak_name_resolves_by_the_publishing_outlet() -> None:
    saudi = extract(Document("x", "نص الخبر", author="الجزيرة - واس", outlet="aljazirah"))
    assert [(c.source, c.kind, c.self_cited) for c in saudi.citations] == [("aljazirah", "byline", True), ("spa", "byline", False)]
    elsewhere = extract(Document("y", "وأكد في مقابلة مع قناة الجزيرة أن الاتفاق قريب", outlet="BBC"))
    assert elsewhere.sources == ("aljazeera",)


def test_glued_quote_before_an_abbreviation() -> None:
    assert cites('القاهرة"د ب أ" - قال مسؤول مصري إن المحادثات مستمرة') == [("dpa", "dateline")]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("الرياض - واس\nنجح فريق طبي بقسم العيون في إجراء عملية نادرة", id="spaced-own-line"),
        pytest.param("الرياض-واس\nنجح فريق طبي بقسم العيون في إجراء عملية نادرة", id="tight-own-line"),
    ],
)
def test_a_dateline_on_a_line_of_its_own_is_framed_by_the_line_break(text: str) -> None:
    prov = extract(Document("x", text, outlet="alyaum"))
    assert [(c.source, c.kind) for c in prov.citations] == [("spa", "dateline")]
