"""Every JSON answer (dedupe.report): written against its schema file, the report streamed item by
item equal to the whole dict, and the summary the same whether a scan counted or not."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from dedupe import Config, Document, check, compare, index_documents, open_index, scan
from dedupe.models import AddResult, Report
from dedupe.citations import extract
from dedupe.report import (
    CSV_COLUMNS, add_event, article_to_dict, check_to_dict, compare_to_dict, done_event, iter_records, provenance_records,
    put_answer, stats_to_dict, summary, to_dict, write_csv, write_json,
)

from .conftest import EXAMPLE, SEED_000, SEEDS
from .schemas import validate


@pytest.fixture(scope="module")
def report() -> Report:
    return scan([EXAMPLE, SEEDS], Config(), jobs=1)


def test_the_report_validates_and_streams_as_the_whole_dict(report: Report) -> None:
    whole = to_dict(report)
    validate(whole, "report")
    out = io.StringIO()
    write_json(report, out)
    assert out.getvalue() == json.dumps(whole, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_json_lines_hold_the_same_records(report: Report) -> None:
    records = list(iter_records(report))
    whole = to_dict(report)
    assert [r["type"] for r in records].count("pair") == len(whole["pairs"])
    assert [r["type"] for r in records].count("document") == len(whole["documents"])
    assert records[0]["type"] == "summary" and records[0]["pairs"] == whole["summary"]["pairs"]


def test_the_summary_is_the_same_counted_by_the_scan_or_by_reading(report: Report) -> None:
    assert report.counts is not None
    read = replace(report, counts=None, pairs=list(report.pairs), clusters=list(report.clusters))
    assert summary(read) == summary(report)
    assert sum(summary(report)["pairs"].values()) == len(report.pairs) > 0


def test_csv_has_one_row_per_pair(report: Report) -> None:
    out = io.StringIO()
    write_csv(report, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == len(report.pairs) + 1


def test_compare_and_provenance_answers_validate() -> None:
    docs = [Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(EXAMPLE.glob("000_*.txt"))]
    validate(compare_to_dict(compare(docs[0], docs[1])), "compare")
    validate(compare_to_dict(compare(docs[0], Document("other", "نص آخر مختلف تماما عن الخبر الأول في كل كلماته العشر"))), "compare")
    validate(list(provenance_records((d, extract(d)) for d in docs)), "provenance")


def test_check_and_index_answers_validate() -> None:
    index = open_index("memory://")
    seen: list[AddResult] = []
    docs = [Document(p.name, p.read_text(encoding="utf-8"), outlet="okaz") for p in sorted(EXAMPLE.glob("00*.txt"))]
    total = index_documents(docs, index, on_commit=seen.append)
    for event in seen:
        validate(add_event(event), "index")
    validate(done_event(total, len(index), 0), "index")
    validate(stats_to_dict(index.stats()), "index", "stats")
    stored = next(iter(index.export()))
    validate(article_to_dict(stored), "index", "article")
    validate(article_to_dict(stored, text=False), "index", "article")
    validate(put_answer(stored.id, "unchanged", stored.content_hash, AddResult(unchanged=(stored.id,))), "index", "put")
    seed = Document("seed", SEED_000.read_text(encoding="utf-8"), outlet="alyaum")
    answer = check_to_dict(check(seed, index))
    validate(answer, "check")
    passages = [p for m in answer["matches"] for p in m["passages"]]
    assert passages and all(seed.text[p["a"]["start"] : p["a"]["end"]] == p["a_text"] for p in passages)
