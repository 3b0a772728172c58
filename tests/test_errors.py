"""The error hierarchy (dedupe.errors): each class names its code, exit code and HTTP status, and
the CLI and the service answer them from there."""

from __future__ import annotations

import inspect

import pytest
from click.testing import CliRunner

from dedupe import errors
from dedupe.cli import main
from dedupe.errors import ArticleNotFound, DedupeError, DocumentSkipped, InputError, MissingExtra, NothingToCheck

ALL = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, DedupeError)]


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_every_error_names_how_the_edges_answer_it(cls: type[DedupeError]) -> None:
    assert cls.code and cls.code.islower() and " " not in cls.code
    assert cls.exit_code in (2, 5)
    assert 400 <= cls.http_status < 600
    assert cls.__doc__


def test_a_class_that_names_a_code_names_its_own() -> None:
    """Subclasses may answer with their parent's code (a decode or parse error is an invalid
    article to the service); a class that sets one does not reuse another's."""
    own = [c for c in ALL if "code" in vars(c)]
    assert len({c.code for c in own}) == len(own) >= 10


def test_the_hierarchy_is_drawn_in_the_docstring() -> None:
    assert errors.__doc__ is not None
    for cls in ALL:
        assert cls.__name__ in errors.__doc__


def test_details_leave_the_location_out() -> None:
    e = NothingToCheck("nothing to check: too short", path="a.txt", line=3)
    assert str(e) == "a.txt:3: nothing to check: too short" and e.detail() == "nothing to check: too short"
    assert isinstance(e, InputError) and e.code == "nothing_to_check" and e.http_status == 422
    assert ArticleNotFound("x").http_status == 404 and ArticleNotFound("x").exit_code == 5
    assert DocumentSkipped("too_short", "3 words").why == "3 words"


def test_a_missing_extra_is_an_install_hint() -> None:
    e = MissingExtra("the Redis index", "redis")
    assert isinstance(e, ImportError)
    assert str(e) == "the Redis index needs its extra: pip install 'dedupe-arabic-news[redis]'"


def test_the_cli_exits_with_the_code_the_error_names(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    missing = runner.invoke(main, ["index", "stats", "--index", f"sqlite:///{tmp_path / 'none.db'}"])
    assert missing.exit_code == errors.IndexUnavailable.exit_code == 5
    assert missing.output.count("\n") == 1 and "no index at" in missing.output
    empty = runner.invoke(main, ["check", "-", "--index", f"sqlite:///{tmp_path / 'none.db'}"], input="")
    assert empty.exit_code == InputError.exit_code == 2 and "expected exactly one document" in empty.output


def test_a_missing_index_driver_is_an_install_hint_with_the_index_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "redis", None)  # as if the [redis] extra were not installed
    result = CliRunner().invoke(main, ["index", "stats", "--index", "redis://127.0.0.1:1/0"])
    assert result.exit_code == 5
    assert "pip install 'dedupe-arabic-news[redis]'" in result.output
