"""An editor publishing through the Wagtail admin in a real browser (Debian's headless Chromium,
driven by Selenium through Debian's chromedriver), against a live `dedupe serve`.

The Wagtail project is served over HTTP on 127.0.0.1 (its admin's scripts and styles included:
the rich-text editor is Wagtail's own, typed into). A screenshot of the message the editor gets
is saved (``DEDUPE_SCREENSHOTS``, default the test's temporary directory). Without Chromium or
chromedriver the test skips, saying so, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test import override_settings

from .conftest import IN_CI, TOKEN, free_port
from .test_publish_paths import SPA_ITEM, UNCREDITED_SPA, _home

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _need_browser() -> None:
    missing = [name for name, found in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if not found]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    if missing:
        why = f"{', '.join(missing)} not installed (make test installs Debian's chromium and chromium-driver)"
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def cms(django_db: None) -> Iterator[str]:
    """The Wagtail project served on a free loopback port (with its static files); its base URL."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application

    port = free_port()
    server = ThreadedWSGIServer(("127.0.0.1", port), _Quiet, allow_reuse_address=True)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def browser() -> Iterator[Any]:
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
        "--lang=en",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_an_editor_publishes_uncredited_wire_copy_and_sees_the_warning(
    cms: str, browser: Any, service: str, tmp_path: Path,
) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from dedupe_wagtail.client import remove_article
    from wagtail_tests.newsroom.models import ArticlePage

    prefix = f"b{uuid.uuid4().hex[:10]}-"
    wait = WebDriverWait(browser, 30)
    with override_settings(DEDUPE_URL=service, DEDUPE_API_TOKEN=TOKEN, DEDUPE_OUTLET=f"site-{prefix}", DEDUPE_ID_PREFIX=prefix):
        browser.get(f"{cms}/admin/login/")
        browser.find_element(By.NAME, "username").send_keys("editor")
        browser.find_element(By.NAME, "password").send_keys("editor-password")
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(ec.url_contains("/admin/"))
        wait.until(lambda d: "login" not in d.current_url)

        browser.get(f"{cms}/admin/pages/add/newsroom/articlepage/{_home().pk}/")
        title = wait.until(ec.element_to_be_clickable((By.ID, "id_title")))
        title.send_keys(SPA_ITEM["title"])
        editor = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-field-wrapper] [contenteditable='true'], .Draftail-Editor [contenteditable='true']")))
        editor.click()
        editor.send_keys(UNCREDITED_SPA[:900])
        # Draftail writes its content into the form's hidden input a moment after the last keystroke.
        wait.until(lambda d: "نجح فريق طبي" in (d.find_element(By.CSS_SELECTOR, "input[name='body']").get_attribute("value") or ""))
        publish = browser.find_element(By.CSS_SELECTOR, "button[name='action-publish']")
        browser.execute_script("arguments[0].click();", publish)

        shots = Path(os.environ.get("DEDUPE_SCREENSHOTS") or tmp_path)
        shots.mkdir(parents=True, exist_ok=True)
        try:
            message = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".messages .warning")))
        except TimeoutException:
            browser.save_screenshot(str(shots / "wagtail-no-warning.png"))
            pytest.fail(f"no warning after publishing; the page reads: {browser.find_element(By.TAG_NAME, 'body').text[:1500]}")
        shot = shots / "wagtail-copy-check-warning.png"
        browser.save_screenshot(str(shot))
        text = message.text
        page = ArticlePage.objects.filter(title=SPA_ITEM["title"]).order_by("-pk").first()
        assert page is not None
        assert "Copy check warning" in text, text
        assert page.live
        assert shot.stat().st_size > 10_000
        for pk in ArticlePage.objects.values_list("pk", flat=True):
            remove_article(service, f"{prefix}{pk}", token=TOKEN)
