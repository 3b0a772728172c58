"""``dedupe/documents/problems.py``: every problem reported once, one line each, with where and why;
nothing reported when nobody listens.
"""

from __future__ import annotations

from dedupe.documents import iter_documents

from .test_documents import FIXTURES, TEXT_1410, read


def test_messy_jsonl_reports_each_problem_and_keeps_the_rest() -> None:
    path = FIXTURES / "messy.jsonl"
    docs, problems = read([path])
    assert [(d.id, d.text, d.title, d.author, d.outlet) for d in docs] == [
        ("m-1", TEXT_1410, "سليم", "", ""),
        ("m-6", "", "نص فارغ", "", ""),  # empty text is yielded: the pipeline decides
        ("m-1~2", "نص آخر", "معرف مكرر", "", ""),  # duplicate id renamed, nothing lost
        # int id, null text, author list joined, number outlet
        ("9", "", "", "واس، الرياض", "12"),
    ]
    assert docs[2].date is None
    assert [
        (p.level, p.line, p.message.removeprefix(f"{path}:")) for p in problems
    ] == [
        ("error", 2, "2: malformed JSON: Invalid control character at column 36"),
        ("error", 3, "3: expected a JSON object, got array; line skipped"),
        (
            "error",
            4,
            "4: missing text field (looked for: text, body, content, article); record skipped",
        ),
        (
            "error",
            5,
            "5: wrong type for title (key 'title'): expected a string, got object; record skipped",
        ),
        (
            "warning",
            8,
            "8: cannot parse date 'ليس تاريخا' (unrecognised date format: 'ليس تاريخا'); document kept with no date",
        ),
        (
            "warning",
            8,
            f"8: duplicate id 'm-1' (first seen at {path}:1); renamed to 'm-1~2'",
        ),
    ]
    assert all(p.path == str(path) for p in problems)
    assert all("\n" not in p.message for p in problems)


def test_problems_are_ignored_by_default() -> None:
    docs = list(iter_documents([FIXTURES / "messy.jsonl", FIXTURES / "nope.jsonl"]))
    assert len(docs) == 4
