"""The ``dedupe`` command: thin click commands over the library.

Exit codes (also in the README):

====  ==========================================================================
0     done; no input problem
1     ``--fail-on`` matched: the scan found pairs of that relation (or worse)
2     usage error (bad option or argument)
3     done, but some inputs could not be read (each reported on stderr)
4     nothing could be scanned (no readable document)
5     the index cannot be used (missing, unreachable, or built by another version)
====  ==========================================================================

``dedupe check`` answers its verdict in the exit code, apart from every error code:
0 pass, 10 warn, 20 block.
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
from ..errors import DedupeError, IndexStoreError
from ..index import DEFAULT_URL, open_index
from ..models import AddResult, InputProblem
from ..pipeline import check as run_check
from ..pipeline import compare as compare_documents
from ..pipeline import index_documents
from ..policy import load_policy
from ..citations import extract
from ..registry import Registry
from ..pipeline import scan as scan_paths
from .render import render_check, render_pair, render_provenance, render_report, render_stats

__all__ = ["main"]

EXIT_OK, EXIT_FAIL_ON, EXIT_USAGE, EXIT_INPUT_ERRORS, EXIT_NOTHING, EXIT_INDEX = 0, 1, 2, 3, 4, 5
EXIT_VERDICT = {"pass": 0, "warn": 10, "block": 20}
FORMATS = ("table", "json", "jsonl", "csv")
_SEVERITY = {"partial": 1, "near_duplicate": 2, "duplicate": 3}

F = TypeVar("F", bound=Callable[..., Any])


class DedupeClickError(click.ClickException):
    """A library error, shown as one line, exit code 2 (the input or options are wrong)."""

    exit_code = EXIT_USAGE


class IndexClickError(click.ClickException):
    """The index cannot be used: exit code 5."""

    exit_code = EXIT_INDEX


@contextmanager
def _library_errors() -> Iterator[None]:
    """The one place where library errors become CLI errors."""
    try:
        yield
    except IndexStoreError as exc:
        raise IndexClickError(str(exc)) from exc
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


_STAGE_LABELS = {
    "index": "indexing", "read": "reading and hashing", "signatures": "signatures", "verify": "verifying candidates",
    "locate": "locating passages", "passages": "passages", "cluster": "clustering", "provenance_links": "linking copies to origins",
}


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


# ------------------------------------------------------------------------------ index and check


def _index_option(func: F) -> F:
    return click.option(
        "--index", "index_url", envvar="DEDUPE_INDEX", default=DEFAULT_URL, show_default=True, show_envvar=True,
        help="Index URL: sqlite:///path.db (four slashes for an absolute path), redis://host:port/db[?prefix=name].",
    )(func)


@main.group()
def index() -> None:
    """Keep a persistent index of published and wire articles for `dedupe check` and `dedupe serve`."""


@index.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@_index_option
@click.option("--no-text", is_flag=True, help="Keep the articles' text out of the index (no passages shown for them).")
@click.option("--force", is_flag=True, help="Re-index articles even when their stored content is the same.")
@click.option("--batch", type=click.IntRange(1, 100_000), default=500, show_default=True, help="Articles per atomic write.")
@click.option("--jobs", "-j", type=click.IntRange(0), default=0, show_default=True, help="Worker processes for cleaning and hashing (0: one per core).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True,
              help="jsonl: one line per committed batch on stdout (ids added, replaced, unchanged, skipped), then a summary line.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no problem lines on stderr.")
@_input_options
@_config_options
def index_add(
    paths: tuple[str, ...], index_url: str, no_text: bool, force: bool, batch: int, jobs: int, fmt: str, quiet: bool,
    fields: tuple[str, ...], encoding: str | None, source_files: tuple[str, ...], **config_values: Any,
) -> None:
    """Add articles to the index (same inputs as scan). An id already stored is replaced;
    one stored with the same content is left as it is, so running an interrupted add again
    resumes it. Each batch is written atomically: a line of --format jsonl output means the
    batch is on disk."""
    import json

    registry = _registry(source_files)
    field_map = _field_map(fields)
    err = _stderr()
    problems: list[InputProblem] = []
    # Shingling options given on the command line must match an existing index; unset ones
    # take the index's own settings.
    explicit = {k: v for k, v in config_values.items() if click.get_current_context().get_parameter_source(k) != click.core.ParameterSource.DEFAULT}
    config = _config(**config_values) if explicit else None

    def on_problem(problem: InputProblem) -> None:
        problems.append(problem)
        if not quiet:
            style = "red" if problem.level == "error" else "yellow"
            err.print(f"[{style}]{problem.level}:[/{style}] {problem.message}", markup=True, highlight=False)

    def on_commit(result: AddResult) -> None:
        if fmt == "jsonl":
            click.echo(json.dumps({"event": "committed", **reports.add_result_to_dict(result)}, ensure_ascii=False))
            sys.stdout.flush()

    with _library_errors(), open_index(index_url, config) as ix, _progress(err, quiet) as progress:
        docs = iter_documents(list(paths), fields=field_map, encoding=encoding, on_problem=on_problem)
        total = index_documents(docs, ix, jobs=jobs, registry=registry, progress=progress, batch=batch, keep_text=not no_text, force=force, on_commit=on_commit)
        size = len(ix)
    counts = {"added": len(total.added), "replaced": len(total.replaced), "unchanged": len(total.unchanged), "skipped": len(total.skipped)}
    if fmt == "jsonl":
        click.echo(json.dumps({"event": "done", **counts, "articles": size, "problems": len(problems)}))
    else:
        err.print(
            f"{counts['added']:,} added, {counts['replaced']:,} replaced, {counts['unchanged']:,} unchanged, "
            f"{counts['skipped']:,} skipped; the index holds {size:,} articles", highlight=False,
        )
        if not quiet:
            for doc_id, reason in total.skipped[:20]:
                err.print(f"skipped {doc_id}: {reason}", markup=False, highlight=False)
    if not (total.added or total.replaced or total.unchanged or total.skipped):
        raise SystemExit(EXIT_NOTHING)
    if any(p.level == "error" for p in problems):
        raise SystemExit(EXIT_INPUT_ERRORS)


@index.command("remove")
@click.argument("ids", nargs=-1, required=True)
@_index_option
def index_remove(ids: tuple[str, ...], index_url: str) -> None:
    """Remove articles by id. Exits with 1 when some id was not in the index."""
    with _library_errors(), open_index(index_url, create=False) as ix:
        removed = ix.delete(ids)
    missing = [i for i in dict.fromkeys(ids) if i not in set(removed)]
    err = _stderr()
    err.print(f"removed {len(removed)} of {len(set(ids))}", highlight=False)
    for i in missing:
        err.print(f"not in the index: {i}", markup=False, highlight=False)
    if missing:
        raise SystemExit(EXIT_FAIL_ON)


@index.command("stats")
@_index_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def index_stats(index_url: str, fmt: str) -> None:
    """How many articles the index holds, by outlet, and how it was built."""
    import json

    with _library_errors(), open_index(index_url, create=False) as ix:
        stats = ix.stats()
    if fmt == "json":
        click.echo(json.dumps(reports.stats_to_dict(stats), ensure_ascii=False, indent=1))
    else:
        render_stats(stats, Console())


@index.command("export")
@_index_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default=None, help="Write to this file instead of stdout.")
@click.option("--no-text", is_flag=True, help="Leave the text out.")
def index_export(index_url: str, output: str | None, no_text: bool) -> None:
    """Every stored article as JSON lines (id, title, text, outlet, date, author, url, citations),
    in id order: readable again by `dedupe index add` and `dedupe scan`."""
    import json

    with _library_errors(), open_index(index_url, create=False) as ix, _open_output(output) as out:
        for article in ix.export(text=not no_text):
            out.write(json.dumps(reports.article_to_dict(article, text=not no_text), ensure_ascii=False) + "\n")


@main.command("check")
@click.argument("path", type=click.Path(allow_dash=True))
@_index_option
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), default=None, envvar="DEDUPE_POLICY", show_envvar=True,
              help="Policy file (TOML; default ./dedupe.toml when present, else built-in defaults).")
@click.option("--outlet", default=None, help="The outlet the article is for (default: its own outlet field, else the policy's check.outlet).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default=None, help="Output format (default: table on a terminal, else json).")
@click.option("--no-passages", is_flag=True, help="Leave the shared passages out (faster).")
@_input_options
def check_command(
    path: str, index_url: str, policy_file: str | None, outlet: str | None, fmt: str | None, no_passages: bool,
    fields: tuple[str, ...], encoding: str | None, source_files: tuple[str, ...],
) -> None:
    """Check one article (a .txt, .json or one-line .jsonl file, or - for stdin) against the
    index before publishing: pass, warn or block, with the matched articles, shared passages,
    the article's own citations and uncredited reuse.

    Exit code: 0 pass, 10 warn, 20 block; 2 bad input or options, 5 index unusable.
    """
    import json

    registry = _registry(source_files)
    field_map = _field_map(fields)
    with _library_errors():
        policy = load_policy(policy_file)
        if outlet:
            policy = policy.with_outlet(outlet)
        doc = read_one(path, fields=field_map, encoding=encoding)
        with open_index(index_url, create=False) as ix:
            result = run_check(doc, ix, policy, registry=registry, with_passages=not no_passages)
    if (fmt or ("table" if sys.stdout.isatty() else "json")) == "json":
        click.echo(json.dumps(reports.check_to_dict(result), ensure_ascii=False, indent=1))
    else:
        render_check(result, Console())
    raise SystemExit(EXIT_VERDICT[result.verdict])


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@main.command()
@_index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on. Any address but loopback needs DEDUPE_API_TOKEN.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes (each opens the index).")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), default=None, envvar="DEDUPE_POLICY", show_envvar=True, help="Policy file (TOML).")
@click.option("--max-body", type=click.IntRange(1024), default=4 * 1024 * 1024, show_default=True, help="Largest request body, in bytes (413 above).")
@click.option("--sources", "source_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra source registry (JSON); repeatable.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info", show_default=True)
def serve(index_url: str, host: str, port: int, workers: int, policy_file: str | None, max_body: int, source_files: tuple[str, ...], log_level: str) -> None:
    """Serve the pre-publish check over HTTP for a CMS: POST /v1/check, PUT/GET/DELETE
    /v1/articles/{id}, GET /healthz, OpenAPI at /openapi.json and /docs.

    Requests to /v1/ need `Authorization: Bearer $DEDUPE_API_TOKEN` when that variable is set;
    without it the service refuses to listen on anything but a loopback address.
    """
    import os

    try:
        import uvicorn
    except ImportError:
        raise DedupeClickError("dedupe serve needs its extra: pip install 'dedupe-arabic-news[server]'") from None
    token = os.environ.get("DEDUPE_API_TOKEN") or None
    if token is None and not _is_loopback(host):
        raise DedupeClickError(f"refusing to listen on {host} without a token: set DEDUPE_API_TOKEN (or use --host 127.0.0.1)")
    with _library_errors():
        load_policy(policy_file)  # fail now, not in every worker
        open_index(index_url).close()  # create it if new, and fail now if it is unusable
    os.environ.update({"DEDUPE_INDEX": index_url, "DEDUPE_MAX_BODY": str(max_body)})
    if policy_file:
        os.environ["DEDUPE_POLICY"] = policy_file
    if source_files:
        os.environ["DEDUPE_SOURCES"] = os.pathsep.join(source_files)
    uvicorn.run("dedupe.server:create_app_from_env", factory=True, host=host, port=port, workers=workers, log_level=log_level)
