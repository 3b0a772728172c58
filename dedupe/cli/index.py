"""``dedupe index add|remove|stats|export`` and ``dedupe check``: the pre-publish path."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console

from .. import report as reports
from ..documents import iter_documents, read_one
from ..index import open_index
from ..models import AddResult, InputProblem
from ..pipeline import check as run_check
from ..pipeline import index_documents
from ..policy import load_policy
from .options import (
    EXIT_FAIL_ON, EXIT_INPUT_ERRORS, EXIT_NOTHING, EXIT_VERDICT, config_from, config_options, field_map, index_option,
    input_options, library_errors, open_output, problem_printer, progress_bar, registry_from, stderr,
)
from .render import render_check, render_stats

__all__ = ["check_command", "index"]



@click.group()
def index() -> None:
    """Keep a persistent index of published and wire articles for `dedupe check` and `dedupe serve`."""


@index.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@index_option
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), default=None,
              help="Policy file (TOML): an article with no outlet is filed under its check.outlet, as a check would take it (default: no policy).")
@click.option("--no-text", is_flag=True, help="Keep the articles' text out of the index (no passages shown for them).")
@click.option("--force", is_flag=True, help="Re-index articles even when their stored content is the same.")
@click.option("--batch", type=click.IntRange(1, 100_000), default=500, show_default=True, help="Articles per atomic write.")
@click.option("--jobs", "-j", type=click.IntRange(0), default=0, show_default=True, help="Worker processes for cleaning and hashing (0: one per core).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True,
              help="jsonl: one line per committed batch on stdout (ids added, replaced, unchanged, skipped), then a summary line.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no problem lines on stderr.")
@input_options
@config_options
def index_add(
    paths: tuple[str, ...], index_url: str, policy_file: str | None, no_text: bool, force: bool, batch: int, jobs: int, fmt: str,
    quiet: bool, fields: tuple[str, ...], encoding: str | None, source_files: tuple[str, ...], **config_values: Any,
) -> None:
    """Add articles to the index (same inputs as scan). An id already stored is replaced;
    one stored with the same content is left as it is, so running an interrupted add again
    resumes it. Each batch is written atomically: a line of --format jsonl output means the
    batch is on disk."""
    registry = registry_from(source_files)
    mapping = field_map(fields)
    err = stderr()
    problems: list[InputProblem] = []
    # Shingling options given on the command line must match an existing index; unset ones
    # take the index's own settings.
    explicit = {k: v for k, v in config_values.items() if click.get_current_context().get_parameter_source(k) != click.core.ParameterSource.DEFAULT}
    config = config_from(**config_values) if explicit else None

    def on_commit(result: AddResult) -> None:
        if fmt == "jsonl":
            click.echo(json.dumps(reports.add_event(result), ensure_ascii=False))
            sys.stdout.flush()

    with library_errors():
        policy = load_policy(policy_file) if policy_file else None
    with library_errors(), open_index(index_url, config) as ix, progress_bar(err, quiet) as progress:
        docs = iter_documents(list(paths), fields=mapping, encoding=encoding, on_problem=problem_printer(err, quiet, problems))
        total = index_documents(
            docs, ix, jobs=jobs, registry=registry, policy=policy, progress=progress, batch=batch, keep_text=not no_text,
            force=force, on_commit=on_commit,
        )
        size = len(ix)
    done = reports.done_event(total, size, len(problems))
    if fmt == "jsonl":
        click.echo(json.dumps(done))
    else:
        err.print(
            f"{done['added']:,} added, {done['replaced']:,} replaced, {done['unchanged']:,} unchanged, "
            f"{done['skipped']:,} skipped; the index holds {size:,} articles", highlight=False,
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
@index_option
def index_remove(ids: tuple[str, ...], index_url: str) -> None:
    """Remove articles by id. Exits with 1 when some id was not in the index."""
    with library_errors(), open_index(index_url, create=False) as ix:
        removed = ix.delete(ids)
    missing = [i for i in dict.fromkeys(ids) if i not in set(removed)]
    err = stderr()
    err.print(f"removed {len(removed)} of {len(set(ids))}", highlight=False)
    for i in missing:
        err.print(f"not in the index: {i}", markup=False, highlight=False)
    if missing:
        raise SystemExit(EXIT_FAIL_ON)


@index.command("stats")
@index_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def index_stats(index_url: str, fmt: str) -> None:
    """How many articles the index holds, by outlet, and how it was built."""
    with library_errors(), open_index(index_url, create=False) as ix:
        stats = ix.stats()
    if fmt == "json":
        click.echo(json.dumps(reports.stats_to_dict(stats), ensure_ascii=False, indent=1))
    else:
        render_stats(stats, Console())


@index.command("export")
@index_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default=None, help="Write to this file instead of stdout.")
@click.option("--no-text", is_flag=True, help="Leave the text out.")
def index_export(index_url: str, output: str | None, no_text: bool) -> None:
    """Every stored article as JSON lines (id, title, text, outlet, date, author, url, citations),
    in id order: readable again by `dedupe index add` and `dedupe scan`."""
    with library_errors(), open_index(index_url, create=False) as ix, open_output(output) as out:
        for article in ix.export(text=not no_text):
            out.write(json.dumps(reports.article_to_dict(article, text=not no_text), ensure_ascii=False) + "\n")


@click.command("check")
@click.argument("path", type=click.Path(allow_dash=True))
@index_option
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), default=None, envvar="DEDUPE_POLICY", show_envvar=True,
              help="Policy file (TOML; default ./dedupe.toml when present, else built-in defaults).")
@click.option("--outlet", default=None, help="The outlet the article is for (default: its own outlet field, else the policy's check.outlet).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default=None, help="Output format (default: table on a terminal, else json).")
@click.option("--no-passages", is_flag=True, help="Leave the shared passages out (faster).")
@input_options
def check_command(
    path: str, index_url: str, policy_file: str | None, outlet: str | None, fmt: str | None, no_passages: bool,
    fields: tuple[str, ...], encoding: str | None, source_files: tuple[str, ...],
) -> None:
    """Check one article (a .txt, .json or one-line .jsonl file, or - for stdin) against the
    index before publishing: pass, warn or block, with the matched articles, shared passages,
    the article's own citations and uncredited reuse.

    Exit code: 0 pass, 10 warn, 20 block; 2 bad input or options, 5 index unusable.
    """
    registry = registry_from(source_files)
    mapping = field_map(fields)
    with library_errors():
        policy = load_policy(policy_file)
        if outlet:
            policy = policy.with_outlet(outlet)
        doc = read_one(path, fields=mapping, encoding=encoding)
        with open_index(index_url, create=False) as ix:
            result = run_check(doc, ix, policy, registry=registry, with_passages=not no_passages)
    if (fmt or ("table" if sys.stdout.isatty() else "json")) == "json":
        click.echo(json.dumps(reports.check_to_dict(result), ensure_ascii=False, indent=1))
    else:
        render_check(result, Console())
    raise SystemExit(EXIT_VERDICT[result.verdict])
