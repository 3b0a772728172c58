"""``dedupe scan``, ``dedupe compare`` and ``dedupe provenance``: a corpus, two documents, the
sources articles cite."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console

from .. import report as reports
from ..documents import formats_help, iter_documents, read_one
from ..models import InputProblem
from ..pipeline import compare as compare_documents
from ..pipeline import scan as scan_paths
from ..citations import extract
from ..relations import REUSE, strength
from .options import (
    EXIT_FAIL_ON, EXIT_INPUT_ERRORS, EXIT_NOTHING, config_from, config_options, default_format, field_map, input_options,
    library_errors, open_output, problem_printer, progress_bar, registry_from, stderr,
)
from .render import render_pair, render_provenance, render_report

__all__ = ["compare", "provenance", "scan"]

FORMATS = ("table", "json", "jsonl", "csv")
_SCAN_HELP = f"""Scan files, directories or - (stdin) for near-duplicates, partial copies and repeated headlines.

    Reads {formats_help()}; directories are walked recursively. The report goes to stdout (or
    --output); progress and problems go to stderr.
    """


@click.command(help=_SCAN_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format (default: table on a terminal, else from --output's extension, else json).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default=None, help="Write the report to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(REUSE), default=None, help="Exit with 1 when a pair of this relation (or a stronger one) is found.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no problem lines on stderr.")
@click.option("--jobs", "-j", type=click.IntRange(0), default=0, show_default=True, help="Worker processes for cleaning and hashing (0: one per core). Results do not depend on it.")
@input_options
@config_options
def scan(
    paths: tuple[str, ...], fmt: str | None, output: str | None, fail_on: str | None, quiet: bool, jobs: int,
    fields: tuple[str, ...], encoding: str | None, source_files: tuple[str, ...], **config_values: Any,
) -> None:
    config = config_from(**config_values)
    mapping = field_map(fields)
    registry = registry_from(source_files)
    err = stderr()
    fmt = fmt or default_format(output)
    with progress_bar(err, quiet) as progress, library_errors():
        report = scan_paths(
            list(paths), config, fields=mapping, encoding=encoding, progress=progress, on_problem=problem_printer(err, quiet),
            jobs=jobs, registry=registry,
        )

    with open_output(output) as out:
        if fmt == "table":
            render_report(report, Console(file=out, width=120) if output else Console())
        elif fmt == "json":
            reports.write_json(report, out)
        elif fmt == "jsonl":
            reports.write_jsonl(report, out)
        else:
            reports.write_csv(report, out)

    summary = reports.summary(report)
    if summary["scanned"] == 0:
        raise SystemExit(EXIT_NOTHING)
    if fail_on and any(n and strength(r) >= strength(fail_on) for r, n in summary["pairs"].items()):
        raise SystemExit(EXIT_FAIL_ON)
    if summary["errors"]:
        raise SystemExit(EXIT_INPUT_ERRORS)


@click.command()
@click.argument("a", type=click.Path(allow_dash=True))
@click.argument("b", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@input_options
@config_options
def compare(
    a: str, b: str, fmt: str, fields: tuple[str, ...], encoding: str | None, source_files: tuple[str, ...], **config_values: Any
) -> None:
    """Show how two documents relate: the relation a scan of the two gives them, Jaccard,
    containment both ways, and the shared passages.

    A and B are files holding one document each (.txt, .json or a one-line .jsonl).
    """
    config = config_from(**config_values)
    mapping = field_map(fields)
    with library_errors():
        doc_a = read_one(a, fields=mapping, encoding=encoding)
        doc_b = read_one(b, fields=mapping, encoding=encoding)
        pair = compare_documents(doc_a, doc_b, config)
    if fmt == "json":
        click.echo(json.dumps(reports.compare_to_dict(pair), ensure_ascii=False, indent=1))
    else:
        render_pair(pair, Console())


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@input_options
def provenance(paths: tuple[str, ...], fmt: str, fields: tuple[str, ...], encoding: str | None, source_files: tuple[str, ...]) -> None:
    """List the sources each article cites: bylines, datelines, credit lines, "قال … لرويترز",
    "نقلا عن", "وفقا لـ"…, with their exact spans, plus anonymous sourcing and stripped credits.

    Takes the same inputs as scan (files, directories, -); every document is reported.
    """
    registry = registry_from(source_files)
    mapping = field_map(fields)
    problems: list[InputProblem] = []
    results = []
    with library_errors():
        for doc in iter_documents(list(paths), fields=mapping, encoding=encoding, on_problem=problem_printer(stderr(), False, problems)):
            results.append((doc, extract(doc, registry)))
    if fmt == "json":
        click.echo(json.dumps(list(reports.provenance_records(results)), ensure_ascii=False, indent=1))
    else:
        console = Console()
        for doc, prov in results:
            render_provenance(doc, prov, registry, console)
    if not results:
        raise SystemExit(EXIT_NOTHING)
    if any(p.level == "error" for p in problems):
        raise SystemExit(EXIT_INPUT_ERRORS)
