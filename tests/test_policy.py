"""The pre-publish policy: TOML loading and validation, and the verdict each rule gives on
real wire copy from the example corpus (Saudi Press Agency items, outlet code ``was``)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from dedupe import ConfigError, Document, Policy, check, index_documents, load_policy, open_index
from dedupe.documents import DEFAULT_FIELDS, iter_documents
from dedupe.index import Index
from dedupe.models import Finding, Match
from dedupe.policy import RULES, strictest

from .conftest import EXAMPLE

_DATELINE = re.compile(r"\sواس\s")


@pytest.fixture(scope="module")
def spa_item() -> Document:
    docs = list(iter_documents([EXAMPLE], fields=DEFAULT_FIELDS))
    return next(d for d in docs if d.outlet == "was" and _DATELINE.search(d.text[:120]))


@pytest.fixture
def wire_index(spa_item: Document) -> Index:
    ix = open_index("memory://")
    index_documents([spa_item], ix)
    return ix


def without_dateline(doc: Document) -> Document:
    """The wire item as a paper prints it when it drops SPA's dateline ("تبوك 25 شوال … واس")."""
    found = _DATELINE.search(doc.text)
    assert found is not None
    return replace(doc, text=doc.text[found.end() :])


def rules_of(result) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(r.rule, r.verdict) for r in result.reasons]


def test_wire_copy_without_credit_warns(wire_index: Index, spa_item: Document) -> None:
    paper = replace(without_dateline(spa_item), id="paper-1", outlet="alyaum")
    result = check(paper, wire_index)
    assert result.verdict == "warn"
    assert rules_of(result) == [("uncredited_wire", "warn")]
    assert result.uncredited == (spa_item.id,)
    assert "spa" in result.reasons[0].message


@pytest.mark.parametrize(
    "credit",
    [
        pytest.param(lambda d: replace(d, text="الرياض - واس\n" + d.text), id="dateline"),
        pytest.param(lambda d: replace(d, author="واس"), id="byline"),
        pytest.param(lambda d: replace(d, text=d.text + "\n(واس)"), id="credit-line"),
    ],
)
def test_credited_wire_copy_passes(wire_index: Index, spa_item: Document, credit) -> None:  # type: ignore[no-untyped-def]
    paper = credit(replace(without_dateline(spa_item), id="paper-2", outlet="alyaum"))
    result = check(paper, wire_index)
    assert result.verdict == "pass", rules_of(result)
    assert rules_of(result) == [("credited_wire", "pass")]
    assert result.matches[0].credited and not result.uncredited


def test_a_duplicate_of_the_outlets_own_article_blocks(spa_item: Document) -> None:
    ix = open_index("memory://")
    published = replace(without_dateline(spa_item), id="alyaum-1", outlet="alyaum")
    index_documents([published], ix)
    again = replace(published, id="alyaum-2")
    result = check(again, ix)
    assert result.verdict == "block" and rules_of(result) == [("own_duplicate", "block")]
    # The same text under the same id is an update of the published article, not a copy.
    assert check(published, ix).verdict == "pass"
    # The outlet can come from the policy when the article names none.
    anonymous = replace(again, outlet="")
    assert check(anonymous, ix).verdict == "warn"
    assert check(anonymous, ix, Policy(outlet="alyaum")).verdict == "block"


def test_another_papers_story_without_credit_warns_and_policy_can_block_it(spa_item: Document) -> None:
    ix = open_index("memory://")
    index_documents([replace(without_dateline(spa_item), id="okaz-1", outlet="okaz")], ix)
    copy = replace(without_dateline(spa_item), id="x", outlet="alyaum")
    assert rules_of(check(copy, ix)) == [("uncredited_copy", "warn")]
    strict = Policy(rules={**RULES, "uncredited_copy": "block"})
    assert check(copy, ix, strict).verdict == "block"
    credited = replace(copy, text=copy.text + "\nنقلا عن صحيفة عكاظ")
    assert rules_of(check(credited, ix)) == [("credited_copy", "pass")]


def test_min_relation_ignores_weaker_reuse(spa_item: Document, wire_index: Index) -> None:
    half = replace(without_dateline(spa_item), id="half", outlet="alyaum")
    words = half.text.split()
    # Half of the wire item inside a longer story of the paper's own (another real article).
    from dedupe.documents import read_one

    from .conftest import SEED_003

    story = read_one(SEED_003).text
    half = replace(half, text=story + "\n" + " ".join(words[: len(words) // 2]))
    result = check(half, wire_index)
    assert result.matches and result.matches[0].relation == "partial"
    assert result.verdict == "warn"
    assert check(half, wire_index, Policy(min_relation="near_duplicate")).verdict == "pass"


def test_scraper_markers_and_stripped_credit_are_rules_too() -> None:
    from .conftest import SEED_000
    from dedupe.documents import read_one

    seed = read_one(SEED_000)
    empty = open_index("memory://")
    result = check(seed, empty)
    assert set(rules_of(result)) == {("scraper_markers", "warn"), ("stripped_credit", "warn")}
    quiet = Policy(rules={**RULES, "scraper_markers": "pass", "stripped_credit": "pass"})
    assert check(seed, empty, quiet).verdict == "pass"


def test_strictest() -> None:
    assert strictest([]) == "pass"
    assert strictest(["pass", "warn"]) == "warn"
    assert strictest(["warn", "block", "pass"]) == "block"


# ------------------------------------------------------------------------------------ loading


def test_load_policy_reads_toml(tmp_path: Path) -> None:
    path = tmp_path / "dedupe.toml"
    path.write_text('[check]\noutlet = "alyaum"\nmax_matches = 5\n\n[policy]\nuncredited_wire = "block"\n', encoding="utf-8")
    policy = load_policy(path)
    assert policy.outlet == "alyaum" and policy.max_matches == 5
    assert policy.verdict("uncredited_wire") == "block" and policy.verdict("own_duplicate") == "block"
    assert policy.verdict("credited_wire") == "pass"


def test_the_shipped_example_policy_is_the_default(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[1] / "dedupe.example.toml"
    assert load_policy(shipped).rules == Policy().rules


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param('[policy]\nown_duplicate = "reject"\n', "must be one of pass, warn, block", id="bad-verdict"),
        pytest.param('[policy]\nno_such_rule = "warn"\n', "unknown policy rule", id="unknown-rule"),
        pytest.param('[check]\nmax_matches = "ten"\n', "must be a int", id="wrong-type"),
        pytest.param('[check]\nmin_relation = "template"\n', "min_relation", id="bad-relation"),
        pytest.param('[checks]\n', "unknown section", id="unknown-section"),
        pytest.param('[check\n', "not valid TOML", id="malformed"),
    ],
)
def test_bad_policy_files_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "dedupe.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_policy(path)
    assert str(path) in str(info.value)


def test_a_missing_policy_file_is_an_error_but_no_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_policy(tmp_path / "absent.toml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEDUPE_POLICY", raising=False)
    assert load_policy() == Policy()


# ------------------------------------------------------------------------------------ rules


def test_an_article_is_for_its_own_outlet_else_the_policys() -> None:
    policy = Policy(outlet="alyaum")
    assert policy.outlet_for(Document("a", "نص", outlet="okaz")) == "okaz"
    assert policy.outlet_for(Document("a", "نص")) == "alyaum"
    assert Policy().outlet_for(Document("a", "نص")) == ""


def _match(relation: str, *, same: bool = False, credited: bool = False) -> Match:
    return Match("m", "عنوان", "okaz", None, "", relation, 0.9, 0.9, 0.9, 50, same, credited, (), ("okaz",))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("relation", "same", "wire", "credited", "rule"),
    [
        pytest.param("duplicate", True, False, True, "own_duplicate", id="own-duplicate"),
        pytest.param("near_duplicate", True, True, True, "own_near_duplicate", id="own-rewrite-even-of-wire"),
        pytest.param("partial", True, False, True, "own_partial", id="own-passage"),
        pytest.param("duplicate", False, True, False, "uncredited_wire", id="uncredited-wire"),
        pytest.param("partial", False, True, True, "credited_wire", id="credited-wire"),
        pytest.param("near_duplicate", False, False, False, "uncredited_copy", id="uncredited-copy"),
        pytest.param("duplicate", False, False, True, "credited_copy", id="credited-copy"),
        pytest.param("template", False, True, False, "template", id="template-whatever-the-rest"),
    ],
)
def test_each_match_answers_to_one_rule(relation: str, same: bool, wire: bool, credited: bool, rule: str) -> None:
    assert Policy().rule_for(_match(relation, same=same, credited=credited), wire) == rule


def test_reasons_come_strictest_first_and_name_the_sources() -> None:
    policy = Policy(rules={**RULES, "uncredited_copy": "block"})
    reasons = policy.reasons([(_match("partial", credited=True), True), (_match("near_duplicate"), False)], [Finding("scraper_marker", "x")])
    assert [(r.rule, r.verdict) for r in reasons] == [("uncredited_copy", "block"), ("scraper_markers", "warn"), ("credited_wire", "pass")]
    assert reasons[0].message == "reuses okaz article m without crediting okaz"
    assert policy.reasons([(_match("partial"), False)], []) and not Policy(min_relation="duplicate").reasons([(_match("partial"), False)], [])
