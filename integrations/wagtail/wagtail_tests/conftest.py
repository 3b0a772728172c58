"""A real Wagtail project (:mod:`wagtail_tests.settings`) against a real `dedupe serve`.

The Django project is set up once a session in a temporary directory (SQLite, Wagtail's own
migrations); the service runs on a free loopback port over a SQLite index built with
`dedupe index add` from ``fixtures/example``. Nothing is mocked: a service that is down is a port
with nothing listening, a wrong token is the live service refusing it.

Without Wagtail installed (``pip install -e integrations/wagtail``, which ``make test`` does)
these tests skip, saying so, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the repository, for tests.conftest
from tests.conftest import DEDUPE, EXAMPLE, IN_CI, free_port, start_service, stop_service  # noqa: E402

__all__ = ["IN_CI", "TOKEN", "free_port"]

HAVE_WAGTAIL = importlib.util.find_spec("wagtail") is not None and importlib.util.find_spec("dedupe_wagtail") is not None
if not HAVE_WAGTAIL:
    why = "Wagtail or dedupe_wagtail is not installed (make test installs both: pip install -e integrations/wagtail)"
    if IN_CI:
        raise RuntimeError(why)
    collect_ignore_glob = ["test_*.py"]
    print(f"SKIPPED integrations/wagtail: {why}", file=sys.stderr)
else:
    os.environ.setdefault("DEDUPE_WAGTAIL_TEST_DIR", tempfile.mkdtemp(prefix="dedupe-wagtail-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "wagtail_tests.settings"
    import django

    django.setup()


@pytest.fixture(scope="session")
def django_db() -> None:
    """Wagtail's tables, its root page and default site, and an editor who may do anything."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    users = get_user_model()
    if not users.objects.filter(username="editor").exists():
        users.objects.create_superuser("editor", "editor@example.org", "editor-password")


TOKEN = "wagtail-tests-token"


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live `dedupe serve` with a token, over the example corpus (45 articles); its base URL."""
    url = f"sqlite:///{tmp_path_factory.mktemp('index') / 'news.db'}"
    done = subprocess.run([DEDUPE, "index", "add", str(EXAMPLE), "--index", url], capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    proc, base = start_service(url, env={"DEDUPE_API_TOKEN": TOKEN})
    try:
        yield base
    finally:
        stop_service(proc)
