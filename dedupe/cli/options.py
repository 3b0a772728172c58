"""What the ``dedupe`` commands share: the one conversion of library errors into exit codes,
the shingling and input options, the output file, the progress bar on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..config import Config
from ..documents import DEFAULT_FIELDS, FieldMap, parse_field_option
from ..errors import DedupeError
from ..index import DEFAULT_URL
from ..models import InputProblem
from ..registry import Registry

__all__ = [
    "EXIT_FAIL_ON", "EXIT_INPUT_ERRORS", "EXIT_NOTHING", "EXIT_OK", "EXIT_USAGE", "EXIT_VERDICT", "LibraryError",
    "config_from", "config_options", "default_format", "field_map", "index_option", "input_options", "library_errors", "open_output",
    "problem_printer", "progress_bar", "registry_from", "stderr",
]

EXIT_OK, EXIT_FAIL_ON, EXIT_USAGE, EXIT_INPUT_ERRORS, EXIT_NOTHING = 0, 1, 2, 3, 4
EXIT_VERDICT = {"pass": 0, "warn": 10, "block": 20}

F = TypeVar("F", bound=Callable[..., Any])


class LibraryError(click.ClickException):
    """A library error shown as one line, with the exit code its class names
    (:attr:`dedupe.errors.DedupeError.exit_code`)."""

    def __init__(self, exc: DedupeError) -> None:
        super().__init__(str(exc))
        self.exit_code = exc.exit_code  # type: ignore[misc]  # click reads it off the instance


@contextmanager
def library_errors() -> Iterator[None]:
    """The one place where library errors become CLI errors."""
    try:
        yield
    except DedupeError as exc:
        raise LibraryError(exc) from exc


def stderr() -> Console:
    return Console(stderr=True)


def config_options(func: F) -> F:
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


def config_from(shingle_size: int, num_perm: int, threshold: float, min_tokens: int, max_passages: int) -> Config:
    with library_errors():
        return Config(
            shingle_size=shingle_size,
            min_shingle_size=min(Config.min_shingle_size, shingle_size),
            num_perm=num_perm,
            lsh_threshold=threshold,
            min_tokens=min_tokens,
            max_passages=max_passages,
        )


def input_options(func: F) -> F:
    options = [
        click.option("--sources", "source_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra source registry (JSON, same layout as dedupe/data/sources.json); repeatable."),
        click.option("--field", "fields", multiple=True, metavar="ATTR=KEY", help="Map a document attribute to a source key, e.g. --field text=body (repeatable)."),
        click.option("--encoding", default=None, help="Force an input encoding (default: detect UTF-8/UTF-16/windows-1256)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def registry_from(source_files: tuple[str, ...]) -> Registry:
    with library_errors():
        return Registry.load(source_files)


def field_map(fields: tuple[str, ...]) -> FieldMap:
    with library_errors():
        return DEFAULT_FIELDS.with_overrides(parse_field_option(fields)) if fields else DEFAULT_FIELDS


def index_option(func: F) -> F:
    return click.option(
        "--index", "index_url", envvar="DEDUPE_INDEX", default=DEFAULT_URL, show_default=True, show_envvar=True,
        help="Index URL: sqlite:///path.db (four slashes for an absolute path), redis://host:port/db[?prefix=name].",
    )(func)


def problem_printer(console: Console, quiet: bool, problems: list[InputProblem] | None = None) -> Callable[[InputProblem], None]:
    """An ``on_problem`` callback: keeps the problem (in ``problems``) and prints it unless quiet."""

    def on_problem(problem: InputProblem) -> None:
        if problems is not None:
            problems.append(problem)
        if not quiet:
            style = "red" if problem.level == "error" else "yellow"
            console.print(f"[{style}]{problem.level}:[/{style}] {escape(problem.message)}", markup=True, highlight=False)

    return on_problem


def default_format(output: str | None) -> str:
    if output and output != "-":
        suffix = Path(output).suffix.lower().lstrip(".")
        return {"json": "json", "jsonl": "jsonl", "ndjson": "jsonl", "csv": "csv"}.get(suffix, "json")
    return "table" if sys.stdout.isatty() else "json"


@contextmanager
def open_output(output: str | None) -> Iterator[IO[str]]:
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
def progress_bar(console: Console, quiet: bool) -> Iterator[Callable[[str, int, int | None], None]]:
    """A ``progress(stage, done, total)`` callback drawing one bar per stage on ``console``."""
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
