from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.clean import clean
from dedupe.models import Document

from .conftest import SEED_000, SEED_003


def _txt(path) -> Document:  # type: ignore[no-untyped-def]
    raw = path.read_text(encoding="utf-8")
    title = next(line for line in raw.splitlines() if line.strip()).strip()
    return Document(path.name, raw, title, title_in_text=True)


def kinds(doc: Document) -> dict[str, int]:
    return {f.kind: f.count for f in clean(doc).findings}


def test_seed_000_scraper_markers_and_stripped_credit() -> None:
    doc = _txt(SEED_000)
    cleaned = clean(doc)
    found = {f.kind: f for f in cleaned.findings}
    markers = [f for f in cleaned.findings if f.kind == "scraper_marker"]
    assert sorted(doc.text[f.spans[0].start : f.spans[0].end] for f in markers) == ["[ad_1]", "[ad_2]"]
    credit = found["stripped_credit"]
    assert doc.text[credit.spans[0].start : credit.spans[0].end] == "المصدر"
    assert "ad" not in cleaned.tokens and cleaned.tokens[-1] != "المصدر"


def test_seed_003_title_repeated_three_times_is_hashed_once() -> None:
    doc = _txt(SEED_003)
    cleaned = clean(doc)
    (finding,) = [f for f in cleaned.findings if f.kind == "repeated_title"]
    assert finding.message == "title repeated 3× in body"
    assert finding.count == 3
    headline = doc.title.split()
    joined = " ".join(cleaned.tokens)
    assert joined.count("مصدر لرويترز المفاوضات التي تقودها قطر") == 1
    assert len(headline) > 5


def test_headline_repeated_once_in_json_body_is_reported() -> None:
    title = "أمير منطقة الرياض يستقبل مدير شرطة المنطقة"
    doc = Document("x", f"{title}\nاستقبل صاحب السمو الملكي أمير منطقة الرياض في مكتبه اليوم مدير شرطة المنطقة.", title)
    assert kinds(doc)["repeated_title"] == 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param(" الرياض 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس\n يواصل مهرجان تمور بريدة فعالياته وأنشطته من خلال عمليات البيع والشراء اليومية", "wire_furniture", id="spa-dateline"),
        pytest.param("يواصل مهرجان تمور بريدة فعالياته وأنشطته من خلال عمليات البيع والشراء اليومية\n // انتهى //\n 20:26 ت م \n", "wire_furniture", id="spa-end-and-time"),
        pytest.param(" شارك من خلال تويتر فيسبوك جوجل بلس اكتب رأيك أكد نائب خادم الحرمين الشريفين أن كل من يحاول العبث بأمن المملكة سيجد الرد", "share_widget", id="okaz-share-widget-prefix"),
        pytest.param("قائد طائرة ناس تعاطف مع حالة راكبة مريضة على رحلة حائل الرياض. رابط الخبر بصحيفة الوئام: طيران ناس تكرم طاقم طائرة", "outlet_footer", id="alweeam-link-footer"),
        pytest.param("الاحتلال يواصل قصف قطاع غزة المحاصر منذ أسابيع طويلة\nللتواصل مع الكاتب أرسل رسالة SMS تبدأ بالرمز 100", "subscription", id="sms-footer"),
    ],
)
def test_outlet_and_wire_furniture_is_removed(text: str, kind: str) -> None:
    doc = Document("x", text)
    cleaned = clean(doc)
    finding = next(f for f in cleaned.findings if f.kind == kind)
    for span in finding.spans:
        removed = doc.text[span.start : span.end]
        assert removed.strip()
        assert not any(line.span.start <= span.start < line.span.end for line in cleaned.lines)


def test_repeated_body_line_is_reported_and_hashed_once() -> None:
    line = "وأكد المتحدث أن الاجتماع ناقش سبل تعزيز التعاون بين البلدين"
    doc = Document("x", f"{line}\nوأضاف أن الجانبين اتفقا على مواصلة المشاورات.\n{line}")
    assert kinds(doc)["repeated_line"] == 2
    assert " ".join(clean(doc).tokens).count("سبل تعزيز التعاون") == 1


def test_person_called_the_source_is_not_a_stripped_credit() -> None:
    doc = Document("x", "قال مصدر مطلع إن المحادثات مستمرة.\nوقال المصدر لرويترز إن المحادثات لم تنهر")
    assert "stripped_credit" not in kinds(doc)


def test_raw_text_is_never_modified() -> None:
    doc = _txt(SEED_000)
    before = doc.text
    clean(doc)
    assert doc.text == before


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["[ad_1]", "[ad_12]", "Next", "Previous", "next  previous", "شارك من خلال تويتر فيسبوك جوجل بلس اكتب رأيك",
                                 "رابط الخبر بصحيفة اليوم :", "رابط الخبر بصحيفة", " ", "نص الخبر", "x", ":"]), max_size=12))
def test_inline_rules_apart_find_what_their_alternation_finds(parts: list[str]) -> None:
    import re

    from dedupe.clean import _inline_matches, _rules

    rules = _rules()
    line = "".join(parts)
    alternation = re.compile("|".join(f"(?P<{name}>{p.pattern})" for p, name in rules.inline), re.IGNORECASE)
    expected = [(m.lastgroup, m.start(), m.end()) for m in alternation.finditer(line) if m.end() > m.start()]
    assert list(_inline_matches(rules, line)) == expected


def test_the_bare_credit_phrases_are_written_normalized() -> None:
    """They are compared with the normalized last line: a phrase not in normalized form would never match."""
    from dedupe.clean import _rules
    from dedupe.normalize import normalize

    credits = _rules().bare_credits
    assert "المصدر" in credits and all(normalize(c) == c for c in credits)
    assert _rules().title_prefix.match("عام / أمير الرياض يستقبل") and not _rules().title_prefix.match("عامل يسقط")
