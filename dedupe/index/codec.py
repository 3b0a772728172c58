"""How an indexed article is stored: the one record layout every backend writes.

An article is stored as a few fields: ``meta`` (JSON: metadata, citations, findings, the line
keys it is filed under),
``shingles``, ``numbers``, ``signature`` (little-endian arrays), ``band_keys`` and ``anchors``
(the keys it is filed under, so that it can be unfiled exactly), and ``text`` (zlib, unless
kept out). The layout belongs to the index, not to the report: it is versioned by
:data:`dedupe.index.base.SCHEMA_VERSION`, so that a change to the report's JSON never changes
what an existing index holds.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from ..models import Citation, Document, Finding, IndexedArticle, Provenance, Span
from .base import Entry

__all__ = ["content_hash", "decode_article", "encode_article", "stored_date", "stored_keys", "stored_lines"]


def content_hash(doc: Document) -> str:
    """A hash of the raw fields of ``doc``: adding an article whose hash is already stored
    under its id changes nothing."""
    payload = json.dumps(
        [doc.id, doc.title, doc.text, doc.outlet, doc.date.isoformat() if doc.date else None, doc.author, doc.url, doc.title_in_text],
        ensure_ascii=False,
    )
    return xxhash.xxh3_128_hexdigest(payload.encode("utf-8"))


def _span(s: Span) -> dict[str, Any]:
    return {"field": s.field, "start": s.start, "end": s.end}


def _span_from(d: Mapping[str, Any]) -> Span:
    return Span(d["field"], int(d["start"]), int(d["end"]))


def _provenance(p: Provenance) -> dict[str, Any]:
    return {
        "outlet_source": p.outlet_source,
        "sources": list(p.sources),
        "citations": [
            {"source": c.source, "kind": c.kind, "field": c.field, "start": c.start, "end": c.end, "surface": c.surface, "self": c.self_cited}
            for c in p.citations
        ],
        "anonymous": [_span(s) for s in p.anonymous],
        "stripped_credit": p.stripped_credit,
    }


def _provenance_from(d: Mapping[str, Any]) -> Provenance:
    return Provenance(
        tuple(
            Citation(c["source"], c["kind"], c["field"], int(c["start"]), int(c["end"]), c["surface"], bool(c["self"]))
            for c in d.get("citations", ())
        ),
        tuple(_span_from(s) for s in d.get("anonymous", ())),
        bool(d.get("stripped_credit", False)),
        d.get("outlet_source"),
    )


def _finding(f: Finding) -> dict[str, Any]:
    return {"kind": f.kind, "message": f.message, "count": f.count, "spans": [_span(s) for s in f.spans]}


def _finding_from(d: Mapping[str, Any]) -> Finding:
    return Finding(d["kind"], d["message"], int(d.get("count", 1)), tuple(_span_from(s) for s in d.get("spans", ())))


def _array_bytes(a: npt.NDArray[Any]) -> bytes:
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False).tobytes()


def encode_article(entry: Entry, *, keep_text: bool) -> dict[str, Any]:
    """The stored fields of one entry (bytes for arrays and text, str or int otherwise)."""
    a = entry.article
    meta = {
        "id": a.id, "title": a.title, "outlet": a.outlet, "date": a.date.isoformat() if a.date else None,
        "author": a.author, "url": a.url, "origin": a.origin, "content_hash": a.content_hash,
        "tokens": a.tokens, "weekdays": a.weekdays, "title_in_text": a.title_in_text,
        "provenance": _provenance(a.provenance),
        "findings": [_finding(f) for f in a.findings],
        "lines": [int(k) for k in entry.lines],
        "sentences": [int(k) for k in entry.sentences],
        "line_tokens": [int(t) for t in a.line_tokens],
    }
    return {
        "meta": json.dumps(meta, ensure_ascii=False),
        "shingles": _array_bytes(a.shingles.astype(np.uint32, copy=False)),
        "numbers": _array_bytes(a.numbers.astype(np.uint64, copy=False)),
        "signature": _array_bytes(a.signature.astype(np.uint32, copy=False)),
        "band_keys": np.asarray(entry.band_keys, dtype="<i8").tobytes(),
        "anchors": np.asarray(entry.anchors, dtype="<u4").tobytes(),
        "text": zlib.compress(a.text.encode("utf-8"), 1) if keep_text and a.text is not None else None,
    }


def decode_article(fields: Mapping[str, Any], *, with_text: bool) -> IndexedArticle:
    meta = json.loads(fields["meta"])
    raw_text = fields.get("text") if with_text else None
    return IndexedArticle(
        id=meta["id"],
        title=meta["title"],
        outlet=meta["outlet"],
        date=datetime.fromisoformat(meta["date"]) if meta["date"] else None,
        author=meta["author"],
        url=meta["url"],
        origin=meta["origin"],
        content_hash=meta["content_hash"],
        tokens=int(meta["tokens"]),
        shingles=np.frombuffer(fields["shingles"], dtype="<u4").astype(np.uint32),
        numbers=np.frombuffer(fields["numbers"], dtype="<u8").astype(np.uint64),
        weekdays=int(meta["weekdays"]),
        signature=np.frombuffer(fields["signature"], dtype="<u4").astype(np.uint32),
        provenance=_provenance_from(meta["provenance"]),
        findings=tuple(_finding_from(f) for f in meta["findings"]),
        text=zlib.decompress(raw_text).decode("utf-8") if raw_text else None,
        title_in_text=bool(meta.get("title_in_text", False)),
        lines=tuple(int(k) for k in meta.get("lines", ())),
        line_tokens=tuple(int(t) for t in meta.get("line_tokens", ())),
    )


def stored_lines(meta: str | bytes) -> list[int]:
    """The keys a stored article was filed under in the lines table: its lines' and its
    sentences' (none for one filed before lines were)."""
    fields = json.loads(meta)
    return [int(k) for k in (*fields.get("lines", ()), *fields.get("sentences", ()))]


def stored_date(meta: str | bytes) -> datetime | None:
    date = json.loads(meta)["date"]
    return datetime.fromisoformat(date) if date else None


def stored_keys(fields: Mapping[str, Any]) -> tuple[list[int], list[int]]:
    """The band keys and anchors a stored article was filed under."""
    return (
        np.frombuffer(fields["band_keys"], dtype="<i8").tolist(),
        np.frombuffer(fields["anchors"], dtype="<u4").tolist(),
    )
