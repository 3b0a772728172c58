"""Rich rendering of reports for people at a terminal. Machine formats live in dedupe.report."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..models import CheckResult, Document, IndexStats, Pair, Provenance, Report
from ..registry import Registry
from ..relations import kind as relation_kind
from ..report import summary

_TITLE_WIDTH = 40


def _short(text: str, width: int = _TITLE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_report(report: Report, console: Console, top: int = 10) -> None:
    s = summary(report)
    counts = Table(title="Scan summary", show_header=False, box=None)
    counts.add_column("what")
    counts.add_column("count", justify="right")
    counts.add_row("documents read", str(s["documents"]))
    counts.add_row("scanned", str(s["scanned"]))
    for reason, n in s["skipped"].items():
        counts.add_row(f"skipped ({reason})", str(n))
    counts.add_row("input errors / warnings", f"{s['errors']} / {s['warnings']}")
    for relation, n in s["pairs"].items():
        counts.add_row(f"pairs: {relation.replace('_', ' ')}", str(n))
    counts.add_row("clusters (documents)", f"{s['clusters']} ({s['clustered_documents']})")
    counts.add_row("shared headline groups", str(s["headline_groups"]))
    counts.add_row("articles copied from another", str(s["copied_articles"]))
    counts.add_row("… of them without credit", str(s["uncredited_articles"]))
    console.print(counts)

    if s["findings"]:
        findings = Table(title="Findings", show_header=True)
        findings.add_column("kind")
        findings.add_column("documents", justify="right")
        per_doc: dict[str, int] = {}
        for d in report.documents:
            for kind in {f.kind for f in d.findings if not d.skipped}:
                per_doc[kind] = per_doc.get(kind, 0) + 1
        for kind, n in sorted(per_doc.items(), key=lambda kv: -kv[1]):
            findings.add_row(kind, str(n))
        console.print(findings)

    if report.clusters:
        titles = {d.id: d.title for d in report.documents}
        table = Table(title=f"Top clusters (of {len(report.clusters)})")
        table.add_column("#", justify="right")
        table.add_column("size", justify="right")
        table.add_column("density", justify="right")
        table.add_column("original")
        table.add_column("outlets")
        table.add_column("headline of the original")
        for c in report.clusters[:top]:
            outlets = sorted({m.outlet for m in c.members if m.outlet})
            table.add_row(str(c.id), str(len(c.members)), f"{c.density:.2f}", escape(c.original), escape(", ".join(outlets[:5]) + ("…" if len(outlets) > 5 else "")), escape(_short(titles.get(c.original, ""))))
        console.print(table)

    partial = [p for p in report.pairs if relation_kind(p.relation).reuse and not relation_kind(p.relation).clusters]
    if partial:
        table = Table(title=f"Largest partial copies (of {len(partial)})")
        table.add_column("contained")
        table.add_column("in")
        table.add_column("containment", justify="right")
        table.add_column("jaccard", justify="right")
        for p in sorted(partial, key=lambda p: -max(p.containment_a_in_b, p.containment_b_in_a) * p.shared_shingles)[:top]:
            inner, outer = (p.a, p.b) if p.containment_a_in_b >= p.containment_b_in_a else (p.b, p.a)
            table.add_row(escape(inner), escape(outer), f"{max(p.containment_a_in_b, p.containment_b_in_a):.2f}", f"{p.jaccard:.2f}")
        console.print(table)

    outlet_of = {d.id: d.outlet for d in report.documents}
    uncredited = [(d, link) for d in report.documents for link in d.copied_from if not link.credited]
    if uncredited:
        table = Table(title=f"Uncredited reuse (of {len(uncredited)} links)")
        table.add_column("article")
        table.add_column("outlet")
        table.add_column("copied from")
        table.add_column("its outlet")
        table.add_column("relation")
        table.add_column("containment", justify="right")
        for d, link in sorted(uncredited, key=lambda x: (-x[1].containment, x[0].id))[:top]:
            table.add_row(
                escape(d.id), escape(d.outlet), escape(link.origin), escape(outlet_of.get(link.origin, "")),
                link.relation.replace("_", " "), f"{link.containment:.2f}",
            )
        console.print(table)

    flagged = [(d, f) for d in report.documents if not d.skipped for f in d.findings if f.kind in ("repeated_title", "stripped_credit", "scraper_marker")]
    if flagged:
        table = Table(title="Documents with scraper traces or repeated headlines")
        table.add_column("document")
        table.add_column("finding")
        for d, f in flagged[:top]:
            table.add_row(escape(d.id), escape(f.message))
        console.print(table)
        if len(flagged) > top:
            console.print(f"… and {len(flagged) - top} more (see --format json)")

    if report.headline_groups:
        table = Table(title=f"Shared headlines (of {len(report.headline_groups)})")
        table.add_column("documents", justify="right")
        table.add_column("ids")
        for g in report.headline_groups[:top]:
            ids = ", ".join(g.ids[:4]) + ("…" if len(g.ids) > 4 else "")
            table.add_row(str(len(g.ids)), escape(ids))
        console.print(table)


def render_pair(pair: Pair, console: Console) -> None:
    if pair.shared_shingles == 0:
        console.print(f"{escape(pair.a)} and {escape(pair.b)} share no shingles: unrelated.")
        return
    table = Table(show_header=False, box=None)
    table.add_column("what")
    table.add_column("value")
    table.add_row("relation", f"{pair.relation.replace('_', ' ')}: {relation_kind(pair.relation).meaning}")
    table.add_row("jaccard", f"{pair.jaccard:.3f}")
    table.add_row("containment of A in B", f"{pair.containment_a_in_b:.3f}")
    table.add_row("containment of B in A", f"{pair.containment_b_in_a:.3f}")
    table.add_row("shared shingles", f"{pair.shared_shingles} (A {pair.shingles_a}, B {pair.shingles_b})")
    console.print(table)
    for n, p in enumerate(pair.passages, 1):
        console.print(f"\n[bold]passage {n}[/bold]  A {p.a.field}[{p.a.start}:{p.a.end}]  B {p.b.field}[{p.b.start}:{p.b.end}]  ({p.shingles} shingles)")
        console.print(p.a_text, markup=False, highlight=False)


def render_provenance(doc: Document, prov: Provenance, registry: Registry, console: Console) -> None:
    console.print(f"[bold]{escape(doc.id)}[/bold]" + (f"  ({escape(doc.outlet)})" if doc.outlet else ""))
    if prov.citations:
        table = Table()
        table.add_column("source")
        table.add_column("name")
        table.add_column("kind")
        table.add_column("where")
        table.add_column("text")
        for c in prov.citations:
            name = registry.sources[c.source].name if c.source in registry.sources else c.source
            table.add_row(
                escape(c.source + (" (self)" if c.self_cited else "")), escape(name), c.kind,
                f"{c.field}[{c.start}:{c.end}]", escape(_short(c.surface, 30)),
            )
        console.print(table)
    else:
        console.print("cites no known source")
    flags = []
    if prov.anonymous:
        flags.append(f"anonymous sourcing ×{len(prov.anonymous)}")
    if prov.stripped_credit:
        flags.append("stripped credit (a bare credit word with no source)")
    if flags:
        console.print("flags: " + "; ".join(flags))
    console.print()


_VERDICT_STYLE = {"pass": "bold green", "warn": "bold yellow", "block": "bold red"}


def render_check(result: CheckResult, console: Console) -> None:
    style = _VERDICT_STYLE[result.verdict]
    console.print(f"[{style}]{result.verdict.upper()}[/{style}]  {escape(result.id)}  "
                  f"({len(result.matches)} matched of {result.candidates} candidates; index of {result.index_articles:,} articles)")
    for reason in result.reasons:
        rs = _VERDICT_STYLE[reason.verdict]
        console.print(f"  [{rs}]{reason.verdict}[/{rs}]  {reason.rule}: {escape(reason.message)}", highlight=False)
    if result.matches:
        table = Table()
        for column in ("match", "outlet", "date", "relation", "jaccard", "in match", "of match", "credited"):
            table.add_column(column)
        for m in result.matches:
            table.add_row(
                escape(_short(m.id, 28)), escape(m.outlet), m.date.date().isoformat() if m.date else "",
                m.relation.replace("_", " "), f"{m.jaccard:.2f}", f"{m.containment_in_match:.2f}",
                f"{m.containment_of_match:.2f}", ("yes: " + ", ".join(m.credit)) if m.credited else "no",
            )
        console.print(table)
    cited = ", ".join(dict.fromkeys(c.source for c in result.provenance.citations)) or "none"
    console.print(f"cites: {escape(cited)}")
    # Passages below the table, whole: terminals render long right-to-left text poorly in cells.
    for m in result.matches:
        for n, p in enumerate(m.passages, 1):
            console.print(
                f"\n[bold]{escape(m.id)} passage {n}[/bold]  article {p.a.field}[{p.a.start}:{p.a.end}]  "
                f"match {p.b.field}[{p.b.start}:{p.b.end}]  ({p.shingles} shingles)"
            )
            console.print(p.a_text, markup=False, highlight=False)


def render_stats(stats: IndexStats, console: Console) -> None:
    table = Table(show_header=False, box=None)
    table.add_column("what")
    table.add_column("value")
    table.add_row("index", escape(stats.url))
    table.add_row("articles", f"{stats.articles:,} ({stats.with_text:,} with text)")
    table.add_row("schema", f"{stats.schema_version} (written by {escape(stats.created_by)})")
    table.add_row("settings", stats.fingerprint)
    if stats.size_bytes is not None:
        table.add_row("size", f"{stats.size_bytes / 1e6:.1f} MB")
    top = list(stats.outlets.items())[:10]
    table.add_row("outlets", escape(", ".join(f"{o or '(none)'} {n:,}" for o, n in top) + (" …" if len(stats.outlets) > 10 else "")))
    console.print(table)
