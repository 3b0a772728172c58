"""Every JSON answer ``dedupe`` gives, written here and nowhere else, each against its own
schema file in ``dedupe/schema/`` (the tests validate every answer against it):

=====================================  =========================================================
``report.schema.json``                 a scan (:func:`write_json`, :func:`write_jsonl`, :func:`to_dict`)
``check.schema.json``                  a pre-publish check (:func:`check_to_dict`; also the service's answer)
``compare.schema.json``                ``dedupe compare`` (:func:`compare_to_dict`)
``provenance.schema.json``             ``dedupe provenance`` (:func:`provenance_records`)
``index.schema.json``                  ``dedupe index add`` events, ``stats`` and ``export`` records
=====================================  =========================================================

A shared passage has one layout everywhere: ``a`` and ``b`` spans (for a check, ``a`` is the
checked article and ``b`` the match), ``a_text``, ``b_text`` and its shingle count. Each layout's
version (``SCHEMA_VERSION``, ``CHECK_SCHEMA_VERSION``) changes whenever a field is removed or
changes meaning. No terminal rendering here (:mod:`dedupe.cli.render`).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import astuple
from datetime import datetime
from typing import IO, Any

from ._version import __version__
from .models import (
    EVIDENCE_FIELDS, AddResult, CheckResult, Citation, Cluster, CopyLink, Document, DocumentSummary, Finding, HeadlineGroup, IndexedArticle,
    IndexStats, InputProblem, Match, Pair, Passage, Provenance, Report, Span,
)
from .relations import CLUSTERING, RELATIONS

__all__ = [
    "CHECK_SCHEMA_VERSION", "CSV_COLUMNS", "SCHEMA_VERSION", "add_event", "article_to_dict", "check_to_dict", "compare_to_dict",
    "delete_answer", "health_answer", "put_answer",
    "done_event", "iter_records", "pair_to_dict", "provenance_records", "provenance_to_dict", "stats_to_dict", "summary",
    "to_dict", "write_csv", "write_json", "write_jsonl",
]

SCHEMA_VERSION = "1.3"
"""Of a scan's report (and of compare, provenance and index answers, which reuse its parts).
1.1: a pair's ``evidence``; the ``quote`` relation; ``page_furniture`` findings.
1.2: the evidence's ``slot_changes`` and ``slots_kept``.
1.3: the evidence's ``sentences_matched``, ``sentences_matched_quoted`` and ``sentences_matched_changed``."""
CHECK_SCHEMA_VERSION = "2.0"
"""Of a check's answer. 2.0: passages in the one layout (``a``/``b``, ``a_text``/``b_text``)."""


def _date(d: datetime | None) -> str | None:
    return d.isoformat() if d is not None else None


def _span(s: Span) -> dict[str, Any]:
    return {"field": s.field, "start": s.start, "end": s.end}


def _finding(f: Finding) -> dict[str, Any]:
    return {"kind": f.kind, "message": f.message, "count": f.count, "spans": [_span(s) for s in f.spans]}


def _citation(c: Citation) -> dict[str, Any]:
    return {"source": c.source, "kind": c.kind, "field": c.field, "start": c.start, "end": c.end, "surface": c.surface, "self": c.self_cited}


def provenance_to_dict(p: Provenance) -> dict[str, Any]:
    return {
        "outlet_source": p.outlet_source,
        "sources": list(p.sources),
        "citations": [_citation(c) for c in p.citations],
        "anonymous": [_span(s) for s in p.anonymous],
        "stripped_credit": p.stripped_credit,
    }


def _link(link: CopyLink) -> dict[str, Any]:
    return {
        "origin": link.origin,
        "relation": link.relation,
        "jaccard": link.jaccard,
        "containment": link.containment,
        "credited": link.credited,
        "credit": list(link.credit),
        "origin_sources": list(link.origin_sources),
        "basis": link.basis,
    }


def _document(d: DocumentSummary) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "outlet": d.outlet,
        "date": _date(d.date),
        "origin": d.origin,
        "tokens": d.tokens,
        "shingles": d.shingles,
        "skipped": d.skipped,
        "findings": [_finding(f) for f in d.findings],
        "provenance": provenance_to_dict(d.provenance) if d.provenance is not None else None,
        "copied_from": [_link(link) for link in d.copied_from],
        "uncredited": list(d.uncredited),
    }


def _passage(p: Passage) -> dict[str, Any]:
    return {"a": _span(p.a), "b": _span(p.b), "a_text": p.a_text, "b_text": p.b_text, "shingles": p.shingles}


def pair_to_dict(p: Pair) -> dict[str, Any]:
    return {
        "a": p.a,
        "b": p.b,
        "relation": p.relation,
        "jaccard": p.jaccard,
        "containment_a_in_b": p.containment_a_in_b,
        "containment_b_in_a": p.containment_b_in_a,
        "shared_shingles": p.shared_shingles,
        "shingles_a": p.shingles_a,
        "shingles_b": p.shingles_b,
        "passages": [_passage(x) for x in p.passages],
        "evidence": None if p.evidence is None else dict(zip(EVIDENCE_FIELDS, astuple(p.evidence))),
    }


def _cluster(c: Cluster) -> dict[str, Any]:
    return {
        "id": c.id,
        "size": len(c.members),
        "original": c.original,
        "members": [
            {
                "id": m.id,
                "outlet": m.outlet,
                "date": _date(m.date),
                "edges": [{"other": e.other, "relation": e.relation, "jaccard": e.jaccard} for e in m.edges],
            }
            for m in c.members
        ],
        "partial_links": list(c.partial_links),
        "linked": list(c.linked),
        "density": round(c.density, 4),
    }


def _headline(h: HeadlineGroup) -> dict[str, Any]:
    return {"headline": h.headline, "ids": list(h.ids), "min_similarity": h.min_similarity}


def _problem(p: InputProblem) -> dict[str, Any]:
    return {"level": p.level, "message": p.message, "path": p.path, "line": p.line}


def summary(report: Report) -> dict[str, Any]:
    """The counts of a report, as its ``summary`` object."""
    skipped: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    scanned = copied = uncredited = 0
    for d in report.documents:  # one pass: a scan's summaries are built as they are read
        if d.skipped:
            skipped[d.skipped] += 1
            continue
        scanned += 1
        findings.update(f.kind for f in d.findings)
        copied += bool(d.copied_from)
        uncredited += bool(d.uncredited)
    if report.counts is not None:  # a scan counted them: its pairs and clusters need not be read back
        relations: Mapping[str, int] = report.counts.relations
        clustered = report.counts.clustered_documents
    else:
        relations = Counter(p.relation for p in report.pairs)
        clustered = sum(len(c.members) for c in report.clusters)
    return {
        "documents": len(report.documents),
        "scanned": scanned,
        "skipped": dict(sorted(skipped.items())),
        "errors": sum(1 for p in report.problems if p.level == "error"),
        "warnings": sum(1 for p in report.problems if p.level == "warning"),
        "pairs": {r: relations.get(r, 0) for r in RELATIONS},
        "clusters": len(report.clusters),
        "clustered_documents": clustered,
        "headline_groups": len(report.headline_groups),
        "findings": dict(sorted(findings.items())),
        "copied_articles": copied,
        "uncredited_articles": uncredited,
    }


def _head(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "dedupe", "version": __version__},
        "config": report.config,
        "summary": summary(report),
        "timings": {k: round(v, 4) for k, v in report.timings.items()},
    }


def _lists(report: Report) -> list[tuple[str, Iterable[Any], Callable[[Any], dict[str, Any]]]]:
    return [
        ("documents", report.documents, _document),
        ("pairs", report.pairs, pair_to_dict),
        ("clusters", report.clusters, _cluster),
        ("headline_groups", report.headline_groups, _headline),
        ("problems", report.problems, _problem),
    ]


def to_dict(report: Report) -> dict[str, Any]:
    out = _head(report)
    for name, items, render in _lists(report):
        out[name] = [render(item) for item in items]
    return out


def write_json(report: Report, out: IO[str]) -> None:
    """The report as one compact JSON object (what :func:`to_dict` gives), written one item at a
    time: the document and pair lists are never built in memory as a whole."""
    # Compact, through the C encoder: json.dump with an indent runs the pure-Python encoder,
    # which takes seconds on a corpus-sized report. Pipe it through `python -m json.tool` to read.
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    out.write(dump(_head(report))[:-1])
    for name, items, render in _lists(report):
        out.write(f",{dump(name)}:[")
        for k, item in enumerate(items):
            if k:
                out.write(",")
            out.write(dump(render(item)))
        out.write("]")
    out.write("}\n")


def iter_records(report: Report) -> Iterator[dict[str, Any]]:
    """The report as a stream of records, each with a ``type``: for JSON Lines."""
    yield {"type": "summary", "schema_version": SCHEMA_VERSION, "config": report.config, **summary(report)}
    for problem in report.problems:
        yield {"type": "problem", **_problem(problem)}
    for doc in report.documents:
        yield {"type": "document", **_document(doc)}
    for pair in report.pairs:
        yield {"type": "pair", **pair_to_dict(pair)}
    for cluster in report.clusters:
        yield {"type": "cluster", **_cluster(cluster)}
    for group in report.headline_groups:
        yield {"type": "headline_group", **_headline(group)}


def write_jsonl(report: Report, out: IO[str]) -> None:
    for record in iter_records(report):
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")


CSV_COLUMNS = (
    "a", "b", "relation", "jaccard", "containment_a_in_b", "containment_b_in_a",
    "shared_shingles", "shingles_a", "shingles_b", "cluster", "passages", "first_passage_a", "first_passage_b",
)


def write_csv(report: Report, out: IO[str]) -> None:
    """One row per pair: the table a spreadsheet user wants."""
    cluster_of = {m.id: c.id for c in report.clusters for m in c.members}
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in report.pairs:
        first = p.passages[0] if p.passages else None
        writer.writerow([
            p.a, p.b, p.relation, p.jaccard, p.containment_a_in_b, p.containment_b_in_a,
            p.shared_shingles, p.shingles_a, p.shingles_b,
            cluster_of.get(p.a, "") if p.relation in CLUSTERING else "",
            len(p.passages),
            f"{first.a.field}:{first.a.start}-{first.a.end}" if first else "",
            f"{first.b.field}:{first.b.start}-{first.b.end}" if first else "",
        ])


# ---------------------------------------------------------------------- index and pre-publish check


def _match(m: Match) -> dict[str, Any]:
    return {
        "id": m.id,
        "title": m.title,
        "outlet": m.outlet,
        "date": _date(m.date),
        "url": m.url,
        "relation": m.relation,
        "jaccard": m.jaccard,
        "containment_in_match": m.containment_in_match,
        "containment_of_match": m.containment_of_match,
        "shared_shingles": m.shared_shingles,
        "same_outlet": m.same_outlet,
        "credited": m.credited,
        "credit": list(m.credit),
        "match_sources": list(m.match_sources),
        "passages": [_passage(p) for p in m.passages],
    }


def check_to_dict(r: CheckResult) -> dict[str, Any]:
    """A check's answer, as ``dedupe check --format json`` and ``POST /v1/check`` give it
    (layout in ``dedupe/schema/check.schema.json``)."""
    return {
        "schema_version": CHECK_SCHEMA_VERSION,
        "id": r.id,
        "verdict": r.verdict,
        "reasons": [{"rule": x.rule, "verdict": x.verdict, "match": x.match, "message": x.message} for x in r.reasons],
        "matches": [_match(m) for m in r.matches],
        "uncredited": list(r.uncredited),
        "provenance": provenance_to_dict(r.provenance),
        "findings": [_finding(f) for f in r.findings],
        "candidates": r.candidates,
        "index_articles": r.index_articles,
        "timings": r.timings,
    }


def _add_result(r: AddResult) -> dict[str, Any]:
    return {
        "added": list(r.added),
        "replaced": list(r.replaced),
        "unchanged": list(r.unchanged),
        "skipped": [{"id": i, "reason": reason} for i, reason in r.skipped],
    }


def add_event(r: AddResult) -> dict[str, Any]:
    """One committed batch of ``dedupe index add --format jsonl``: on disk when printed."""
    return {"event": "committed", **_add_result(r)}


def done_event(total: AddResult, articles: int, problems: int) -> dict[str, Any]:
    """The last line of ``dedupe index add --format jsonl``: counts, and the index's size."""
    return {
        "event": "done", "added": len(total.added), "replaced": len(total.replaced), "unchanged": len(total.unchanged),
        "skipped": len(total.skipped), "articles": articles, "problems": problems,
    }


def health_answer(index_url: str, articles: int) -> dict[str, Any]:
    """The service's answer to ``GET /healthz``."""
    return {"status": "ok", "version": __version__, "index": index_url, "articles": articles}


def delete_answer(article_id: str) -> dict[str, Any]:
    """The service's answer to ``DELETE /v1/articles/{id}``."""
    return {"id": article_id, "deleted": True}


def put_answer(article_id: str, status: str, content_hash: str, r: AddResult) -> dict[str, Any]:
    """The service's answer to ``PUT /v1/articles/{id}``."""
    return {"id": article_id, "status": status, "content_hash": content_hash, **_add_result(r)}


def stats_to_dict(s: IndexStats) -> dict[str, Any]:
    return {
        "url": s.url,
        "articles": s.articles,
        "with_text": s.with_text,
        "outlets": s.outlets,
        "schema_version": s.schema_version,
        "index_fingerprint": s.fingerprint,
        "created_by": s.created_by,
        "size_bytes": s.size_bytes,
    }


def article_to_dict(a: IndexedArticle, *, text: bool = True) -> dict[str, Any]:
    """A stored article: metadata, citations and (when kept and asked for) its raw text."""
    out: dict[str, Any] = {
        "id": a.id,
        "title": a.title,
        "outlet": a.outlet,
        "date": _date(a.date),
        "author": a.author,
        "url": a.url,
        "origin": a.origin,
        "content_hash": a.content_hash,
        "tokens": a.tokens,
        "shingles": int(len(a.shingles)),
        "provenance": provenance_to_dict(a.provenance),
        "findings": [_finding(f) for f in a.findings],
    }
    if text:
        out["text"] = a.text
    return out


# ---------------------------------------------------------------------- compare and provenance


def compare_to_dict(p: Pair) -> dict[str, Any]:
    """``dedupe compare --format json``: the pair, in the report's layout (relation ``unrelated``
    when the two bear none)."""
    return pair_to_dict(p)


def provenance_records(items: Iterable[tuple[Document, Provenance]]) -> Iterator[dict[str, Any]]:
    """``dedupe provenance --format json``: per article, its id, outlet and provenance."""
    for doc, prov in items:
        yield {"id": doc.id, "outlet": doc.outlet, **provenance_to_dict(prov)}
