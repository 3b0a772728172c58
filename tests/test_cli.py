from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe.cli import main

from .schemas import validate
from .conftest import EXAMPLE, ROOT, SEED_000, SEED_003



@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_scan_json_matches_schema_and_finds_the_seed_copies(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = runner.invoke(main, ["scan", str(EXAMPLE), "--format", "json", "--output", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    validate(report, "report")
    pairs = {frozenset((p["a"], p["b"])): p for p in report["pairs"]}
    assert pairs[frozenset(("000_1d40cc6677096fc7.txt", "000_variant_spelling.txt"))]["jaccard"] == 1.0
    assert report["summary"]["scanned"] == 45


def test_scan_jsonl_records_are_typed(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", str(EXAMPLE), "--format", "jsonl", "--quiet"])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["type"] == "summary"
    assert {r["type"] for r in records} >= {"summary", "document", "pair", "cluster"}


def test_scan_csv_has_one_row_per_pair(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", str(EXAMPLE), "--format", "csv", "--quiet"])
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("a,b,relation,jaccard")
    json_result = runner.invoke(main, ["scan", str(EXAMPLE), "--format", "json", "--quiet"])
    assert len(lines) - 1 == len(json.loads(json_result.stdout)["pairs"])


def test_scan_table_shows_findings(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", str(SEED_000.parent), "--format", "table", "--quiet"])
    assert result.exit_code == 0
    assert "[ad_1]" in result.stdout
    assert "title repeated 3× in body" in result.stdout


def test_stdin_is_read(runner: CliRunner) -> None:
    text = SEED_003.read_text(encoding="utf-8")
    result = runner.invoke(main, ["scan", "-", "--format", "json", "--quiet"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["scanned"] == 1


def test_exit_code_3_when_an_input_is_broken_and_the_rest_is_scanned(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    good = json.dumps({"id": "g", "text": SEED_003.read_text(encoding="utf-8")}, ensure_ascii=False)
    bad.write_text('{"id": "x", "text": \n' + good + "\n", encoding="utf-8")
    result = runner.invoke(main, ["scan", str(bad), "--format", "json"])
    assert result.exit_code == 3
    assert re.search(r"bad\.jsonl:1", result.stderr)
    assert json.loads(result.stdout)["summary"]["scanned"] == 1


def test_exit_code_4_when_nothing_can_be_scanned(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    result = runner.invoke(main, ["scan", str(empty), "--format", "json", "--quiet"])
    assert result.exit_code == 4


def test_fail_on_exits_1_when_copies_are_found(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", str(EXAMPLE), "--format", "json", "--quiet", "--fail-on", "duplicate"])
    assert result.exit_code == 1


def test_bad_option_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", str(EXAMPLE), "--field", "nonsense"])
    assert result.exit_code == 2
    assert "nonsense" in result.output


def test_compare_shows_relation_and_passages(runner: CliRunner) -> None:
    result = runner.invoke(main, ["compare", str(SEED_000), str(EXAMPLE / "000_reworded_copy.txt"), "--format", "json"])
    assert result.exit_code == 0, result.output
    pair = json.loads(result.stdout)
    validate(pair, "compare")
    assert pair["relation"] in ("near_duplicate", "partial")
    assert pair["passages"] and pair["passages"][0]["a_text"]
    table = runner.invoke(main, ["compare", str(SEED_000), str(SEED_003)])
    assert table.exit_code == 0
    assert "unrelated" in table.stdout
    unrelated = json.loads(runner.invoke(main, ["compare", str(SEED_000), str(SEED_003), "--format", "json"]).stdout)
    validate(unrelated, "compare")
    assert unrelated["relation"] == "unrelated" and unrelated["a"] == SEED_000.name


def _commands() -> list[str]:
    """Every command, with the subcommands of groups (``index add``…)."""
    names = []
    for name, command in sorted(main.commands.items()):  # type: ignore[attr-defined]
        names.append(name)
        names += [f"{name} {sub}" for sub in sorted(getattr(command, "commands", {}))]
    return names


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_and_is_documented(runner: CliRunner, command: str) -> None:
    result = runner.invoke(main, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"dedupe {command}" in readme


def test_provenance_command_on_the_seeds(runner: CliRunner) -> None:
    table = runner.invoke(main, ["provenance", str(SEED_003)])
    assert table.exit_code == 0, table.output
    assert "reuters" in table.stdout and "headline_prefix" in table.stdout and "quoted_to" in table.stdout
    assert "anonymous sourcing" in table.stdout
    result = runner.invoke(main, ["provenance", str(SEED_000), "--format", "json"])
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    validate(records, "provenance")
    (record,) = records
    assert record["citations"] == [] and record["stripped_credit"] is True


def test_scan_table_lists_uncredited_reuse(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", str(EXAMPLE), "--format", "table", "--quiet"])
    assert result.exit_code == 0
    assert "Uncredited reuse" in result.stdout
    assert "articles copied from another" in result.stdout


def test_scan_help_names_every_input_format(runner: CliRunner) -> None:
    from dedupe.documents import formats_help

    result = runner.invoke(main, ["scan", "--help"])
    assert formats_help() in " ".join(result.output.split())
    assert ".tsv" in formats_help()
