"""Citation extraction on real sentences (SaudiNewsNet and ANT excerpts; see fixtures/inputs/README.md)."""

from __future__ import annotations

import pytest

from dedupe.citations import extract
from dedupe.documents import read_one
from dedupe.models import Document

from .conftest import SEED_000, SEED_003


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
