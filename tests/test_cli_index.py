"""`dedupe index …` and `dedupe check` through click's CliRunner, on the shipped articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe.cli import EXIT_VERDICT, main

from .schemas import validate
from .conftest import EXAMPLE, SEED_000, SEED_003



@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def index_url(tmp_path: Path, runner: CliRunner) -> str:
    """An index of the example corpus without the scraped seed (the article to check)."""
    url = f"sqlite:///{tmp_path / 'index.db'}"
    sources = [str(p) for p in sorted(EXAMPLE.iterdir()) if p.name not in (SEED_000.name, "README.md")]
    result = runner.invoke(main, ["index", "add", *sources, "--index", url, "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return url


def test_index_add_reports_counts_and_is_idempotent(runner: CliRunner, index_url: str) -> None:
    again = runner.invoke(main, ["index", "add", str(EXAMPLE / "000_reworded_copy.txt"), "--index", index_url, "--format", "jsonl"])
    assert again.exit_code == 0
    lines = [json.loads(line) for line in again.stdout.splitlines()]
    assert lines[0] == {"event": "committed", "added": [], "replaced": [], "unchanged": ["000_reworded_copy.txt"], "skipped": []}
    assert lines[-1]["event"] == "done" and lines[-1]["articles"] == 44


def test_index_stats_json(runner: CliRunner, index_url: str) -> None:
    result = runner.invoke(main, ["index", "stats", "--index", index_url, "--format", "json"])
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["articles"] == 44 and stats["with_text"] == 44 and stats["outlets"]["was"] == 10
    table = runner.invoke(main, ["index", "stats", "--index", index_url])
    assert "44 (44 with text)" in table.stdout


def test_check_the_seed_warns_with_passages(runner: CliRunner, index_url: str) -> None:
    result = runner.invoke(main, ["check", str(SEED_000), "--index", index_url, "--format", "json"])
    assert result.exit_code == EXIT_VERDICT["warn"] == 10
    answer = json.loads(result.stdout)
    validate(answer, "check")
    assert answer["verdict"] == "warn"
    assert {m["id"] for m in answer["matches"]} >= {"000_variant_spelling.txt", "000_reworded_copy.txt"}
    first = answer["matches"][0]
    assert first["passages"] and first["passages"][0]["a_text"] in SEED_000.read_text(encoding="utf-8")
    assert {r["rule"] for r in answer["reasons"]} >= {"uncredited_copy", "scraper_markers", "stripped_credit"}


def test_check_table_and_exit_codes(runner: CliRunner, index_url: str, tmp_path: Path) -> None:
    table = runner.invoke(main, ["check", str(SEED_000), "--index", index_url, "--format", "table"])
    assert table.exit_code == 10 and "WARN" in table.stdout and "passage 1" in table.stdout
    # The Reuters seed is in the index: under its own id it is not matched against itself.
    own = runner.invoke(main, ["check", str(SEED_003), "--index", index_url, "--format", "json"])
    assert own.exit_code == 0 and json.loads(own.stdout)["verdict"] == "pass"
    # The same outlet publishing the Reuters story again under a new id: block.
    text = SEED_003.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    again = tmp_path / "again.json"
    again.write_text(json.dumps({"id": "again", "title": title, "text": body, "outlet": "desk"}), encoding="utf-8")
    published = tmp_path / "published.json"
    published.write_text(json.dumps({"id": "published", "title": title, "text": body, "outlet": "desk"}), encoding="utf-8")
    assert runner.invoke(main, ["index", "add", str(published), "--index", index_url, "--quiet"]).exit_code == 0
    blocked = runner.invoke(main, ["check", str(again), "--index", index_url, "--format", "json"])
    assert blocked.exit_code == 20 and json.loads(blocked.stdout)["reasons"][0]["rule"] == "own_duplicate"


def test_check_reads_stdin_and_a_policy_file(runner: CliRunner, index_url: str, tmp_path: Path) -> None:
    policy = tmp_path / "dedupe.toml"
    policy.write_text('[policy]\nuncredited_copy = "block"\n', encoding="utf-8")
    result = runner.invoke(
        main, ["check", "-", "--index", index_url, "--policy", str(policy), "--format", "json"],
        input=SEED_000.read_text(encoding="utf-8"),
    )
    assert result.exit_code == 20 and json.loads(result.stdout)["verdict"] == "block"


@pytest.mark.parametrize(
    "args, code, message",
    [
        pytest.param(["check", str(SEED_000), "--index", "sqlite:///{tmp}/absent.db"], 5, "no index at", id="absent-index"),
        pytest.param(["check", "{tmp}/absent.txt", "--index", "{url}"], 2, "", id="absent-article"),
        pytest.param(["check", "{tmp}/empty.txt", "--index", "{url}"], 2, "nothing to check", id="empty-article"),
        pytest.param(["check", str(SEED_000), "--index", "{url}", "--policy", "{tmp}/absent.toml"], 2, "does not exist", id="absent-policy"),
        pytest.param(["index", "stats", "--index", "redis://127.0.0.1:1/0"], 5, "is redis-server running", id="no-redis"),
        pytest.param(["index", "add", str(SEED_000), "--index", "{url}", "--shingle-size", "3"], 5, "other shingling", id="other-settings"),
        pytest.param(["index", "stats", "--index", "ftp://x"], 2, "unknown index URL", id="bad-url"),
    ],
)
def test_errors_are_one_line_with_their_exit_code(runner: CliRunner, index_url: str, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    filled = [a.replace("{tmp}", str(tmp_path)).replace("{url}", index_url) for a in args]
    result = runner.invoke(main, filled)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_remove_then_export(runner: CliRunner, index_url: str) -> None:
    removed = runner.invoke(main, ["index", "remove", "000_reworded_copy.txt", "no-such-id", "--index", index_url])
    assert removed.exit_code == 1 and "not in the index: no-such-id" in removed.output
    exported = runner.invoke(main, ["index", "export", "--index", index_url])
    assert exported.exit_code == 0
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(records) == 43 and "000_reworded_copy.txt" not in {r["id"] for r in records}
    assert all(r["text"] for r in records)
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)


def test_no_text_keeps_text_out(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lean.db'}"
    assert runner.invoke(main, ["index", "add", str(EXAMPLE), "--index", url, "--no-text", "--quiet"]).exit_code == 0
    stats = json.loads(runner.invoke(main, ["index", "stats", "--index", url, "--format", "json"]).stdout)
    assert stats["with_text"] == 0 and stats["articles"] == 45


def test_index_add_with_a_policy_files_outletless_articles_under_its_outlet(runner: CliRunner, tmp_path: Path) -> None:
    """`index add --policy` stores what `PUT /v1/articles` stores: an article with no outlet is
    the policy's outlet's, so that outlet's later duplicate of it blocks."""
    policy = tmp_path / "dedupe.toml"
    policy.write_text('[check]\noutlet = "alyaum"\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'own.db'}"
    added = runner.invoke(main, ["index", "add", str(SEED_003), "--index", url, "--policy", str(policy), "--quiet"])
    assert added.exit_code == 0, added.output
    stats = json.loads(runner.invoke(main, ["index", "stats", "--index", url, "--format", "json"]).stdout)
    assert stats["outlets"] == {"alyaum": 1}
    copy = tmp_path / "copy.txt"  # another name: another id, so not taken for an update of the stored article
    copy.write_text(SEED_003.read_text(encoding="utf-8"), encoding="utf-8")
    blocked = runner.invoke(main, ["check", str(copy), "--index", url, "--policy", str(policy), "--format", "json"])
    assert blocked.exit_code == EXIT_VERDICT["block"], blocked.output
    assert [r["rule"] for r in json.loads(blocked.stdout)["reasons"]][0] == "own_duplicate"
    plain = tmp_path / "plain.db"
    runner.invoke(main, ["index", "add", str(SEED_003), "--index", f"sqlite:///{plain}", "--quiet"])
    assert json.loads(runner.invoke(main, ["index", "stats", "--index", f"sqlite:///{plain}", "--format", "json"]).stdout)["outlets"] == {"": 1}


def test_index_add_reads_no_policy_it_is_not_given(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$DEDUPE_POLICY (for check and serve) does not file an add's articles under another outlet."""
    policy = tmp_path / "dedupe.toml"
    policy.write_text('[check]\noutlet = "alyaum"\n', encoding="utf-8")
    monkeypatch.setenv("DEDUPE_POLICY", str(policy))
    url = f"sqlite:///{tmp_path / 'env.db'}"
    assert runner.invoke(main, ["index", "add", str(SEED_003), "--index", url, "--quiet"]).exit_code == 0
    assert json.loads(runner.invoke(main, ["index", "stats", "--index", url, "--format", "json"]).stdout)["outlets"] == {"": 1}
