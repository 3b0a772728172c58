"""The ``dedupe`` command: thin click commands over the library.

Exit codes (also in the README):

====  ==========================================================================
0     done; no input problem
1     ``--fail-on`` matched: the scan found pairs of that relation (or worse)
2     usage error (bad option or argument)
3     done, but some inputs could not be read (each reported on stderr)
4     nothing could be scanned (no readable document)
====  ==========================================================================
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .. import report as reports
from ..config import Config
from ..documents import DEFAULT_FIELDS, FieldMap, iter_documents, parse_field_option, read_one
from ..errors import DedupeError
from ..models import InputProblem
from ..pipeline import compare as compare_documents
from ..provenance import Registry, extract
from ..pipeline import scan as scan_paths
from .render import render_pair, render_provenance, render_report

__all__ = ["main"]

EXIT_OK, EXIT_FAIL_ON, EXIT_USAGE, EXIT_INPUT_ERRORS, EXIT_NOTHING = 0, 1, 2, 3, 4
FORMATS = ("table", "json", "jsonl", "csv")
_SEVERITY = {"partial": 1, "near_duplicate": 2, "duplicate": 3}

F = TypeVar("F", bound=Callable[..., Any])


class DedupeClickError(click.ClickException):
    """A library error, shown as one line, exit code 2 (the input or options are wrong)."""

    exit_code = EXIT_USAGE


@contextmanager
def _library_errors() -> Iterator[None]:
    """The one place where library errors become CLI errors."""
    try:
        yield
    except DedupeError as exc:
        raise DedupeClickError(str(exc)) from exc


def _config_options(func: F) -> F:
    options = [
        click.option("--shingle-size", type=click.IntRange(1, 32), default=Config.shingle_size, show_default=True, help="Words per shingle."),
        click.option("--num-perm", type=click.IntRange(8, 1024), default=Config.num_perm, show_default=True, help="MinHash permutations."),
        click.option("--threshold", type=click.FloatRange(0.01, 0.99), default=Config.lsh_threshold, show_default=True, help="LSH candidate threshold (Jaccard)."),
        click.option("--min-tokens", type=click.IntRange(1), default=Config.min_tokens, show_default=True, help="Skip documents with fewer words."),
        click.option("--max-passages", type=click.IntRange(0), default=Config.max_passages, show_default=True, help="Passages reported per pair (0: none)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _config(shingle_size: int, num_perm: int, threshold: float, min_tokens: int, max_passages: int) -> Config:
    with _library_errors():
        return Config(
            shingle_size=shingle_size,
            min_shingle_size=min(Config.min_shingle_size, shingle_size),
            num_perm=num_perm,
            lsh_threshold=threshold,
            min_tokens=min_tokens,
            max_passages=max_passages,
        )


def _input_options(func: F) -> F:
    options = [
        click.option("--sources", "source_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra source registry (JSON, same layout as dedupe/data/sources.json); repeatable."),
        click.option("--field", "fields", multiple=True, metavar="ATTR=KEY", help="Map a document attribute to a source key, e.g. --field text=body (repeatable)."),
        click.option("--encoding", default=None, help="Force an input encoding (default: detect UTF-8/UTF-16/windows-1256)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _registry(source_files: tuple[str, ...]) -> Registry:
    with _library_errors():
        return Registry.load(source_files)


def _field_map(fields: tuple[str, ...]) -> FieldMap:
    with _library_errors():
        return DEFAULT_FIELDS.with_overrides(parse_field_option(fields)) if fields else DEFAULT_FIELDS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dedupe-arabic-news", prog_name="dedupe")
def main() -> None:
    """Find near-duplicate and copied Arabic news articles."""


def _stderr() -> Console:
    return Console(stderr=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format (default: table on a terminal, else from --output's extension, else json).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default=None, help="Write the report to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(["partial", "near_duplicate", "duplicate"]), default=None, help="Exit with 1 when a pair of this relation (or a stronger one) is found.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no problem lines on stderr.")
@click.option("--jobs", "-j", type=click.IntRange(0), default=0, show_default=True, help="Worker processes for cleaning and hashing (0: one per core). Results do not depend on it.")
@_input_options
@_config_options
def scan(
    paths: tuple[str, ...], fmt: str | None, output: str | None, fail_on: str | None, quiet: bool, jobs: int,
    fields: tuple[str, ...], encoding: str | None, source_files: tuple[str, ...], **config_values: Any,
) -> None:
    """Scan files, directories or - (stdin) for near-duplicates, partial copies and repeated headlines.

    Reads .txt, .json, .jsonl/.ndjson and .csv files, each optionally gzipped; directories are
    walked recursively. The report goes to stdout (or --output); progress and problems go to stderr.
    """
    config = _config(**config_values)
    field_map = _field_map(fields)
    registry = _registry(source_files)
    err = _stderr()
    fmt = fmt or _default_format(output)

    def on_problem(problem: InputProblem) -> None:
        if not quiet:
            style = "red" if problem.level == "error" else "yellow"
            err.print(f"[{style}]{problem.level}:[/{style}] {problem.message}", markup=True, highlight=False)

    with _progress(err, quiet) as progress, _library_errors():
        report = scan_paths(list(paths), config, fields=field_map, encoding=encoding, progress=progress, on_problem=on_problem, jobs=jobs, registry=registry)

    with _open_output(output) as out:
        if fmt == "table":
            render_report(report, Console(file=out, width=120) if output else Console())
        elif fmt == "json":
            reports.write_json(report, out)
        elif fmt == "jsonl":
            reports.write_jsonl(report, out)
        else:
            reports.write_csv(report, out)

    scanned = sum(1 for d in report.documents if not d.skipped)
    if scanned == 0:
        raise SystemExit(EXIT_NOTHING)
    if fail_on and any(_SEVERITY.get(p.relation, 0) >= _SEVERITY[fail_on] for p in report.pairs):
        raise SystemExit(EXIT_FAIL_ON)
    if any(p.level == "error" for p in report.problems):
        raise SystemExit(EXIT_INPUT_ERRORS)


@main.command()
@click.argument("a", type=click.Path(allow_dash=True))
@click.argument("b", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_input_options
@_config_options
def compare(
    a: str, b: str, fmt: str, fields: tuple[str, ...], encoding: str | None, source_files: tuple[str, ...], **config_values: Any
) -> None:
    """Show how two documents relate: Jaccard, containment both ways, and the shared passages.

    A and B are files holding one document each (.txt, .json or a one-line .jsonl).
    """
    config = _config(**config_values)
    field_map = _field_map(fields)
    with _library_errors():
        doc_a = read_one(a, fields=field_map, encoding=encoding)
        doc_b = read_one(b, fields=field_map, encoding=encoding)
        pair = compare_documents(doc_a, doc_b, config)
    if fmt == "json":
        import json

        payload = reports.pair_to_dict(pair) if pair else {"a": doc_a.id, "b": doc_b.id, "relation": "unrelated", "jaccard": 0.0}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        render_pair(pair, doc_a.id, doc_b.id, Console())


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_input_options
def provenance(paths: tuple[str, ...], fmt: str, fields: tuple[str, ...], encoding: str | None, source_files: tuple[str, ...]) -> None:
    """List the sources each article cites: bylines, datelines, credit lines, "قال … لرويترز",
    "نقلا عن", "وفقا لـ"…, with their exact spans, plus anonymous sourcing and stripped credits.

    Takes the same inputs as scan (files, directories, -); every document is reported.
    """
    registry = _registry(source_files)
    field_map = _field_map(fields)
    err = _stderr()
    problems: list[InputProblem] = []

    def on_problem(problem: InputProblem) -> None:
        problems.append(problem)
        err.print(f"{problem.level}: {problem.message}", markup=False, highlight=False)

    results = []
    with _library_errors():
        for doc in iter_documents(list(paths), fields=field_map, encoding=encoding, on_problem=on_problem):
            results.append((doc, extract(doc, registry)))
    if fmt == "json":
        import json

        payload = [{"id": d.id, "outlet": d.outlet, **reports.provenance_to_dict(p)} for d, p in results]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        console = Console()
        for doc, prov in results:
            render_provenance(doc, prov, registry, console)
    if not results:
        raise SystemExit(EXIT_NOTHING)
    if any(p.level == "error" for p in problems):
        raise SystemExit(EXIT_INPUT_ERRORS)


def _default_format(output: str | None) -> str:
    if output and output != "-":
        suffix = Path(output).suffix.lower().lstrip(".")
        return {"json": "json", "jsonl": "jsonl", "ndjson": "jsonl", "csv": "csv"}.get(suffix, "json")
    return "table" if sys.stdout.isatty() else "json"


@contextmanager
def _open_output(output: str | None) -> Iterator[IO[str]]:
    if output is None or output == "-":
        yield sys.stdout
        sys.stdout.flush()
    else:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            yield fh


_STAGE_LABELS = {"read": "reading and hashing", "signatures": "signatures", "verify": "verifying candidates", "locate": "locating passages", "passages": "passages"}


@contextmanager
def _progress(console: Console, quiet: bool) -> Iterator[Callable[[str, int, int | None], None]]:
    if quiet:
        yield lambda stage, done, total: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGE_LABELS.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update
