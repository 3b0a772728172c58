"""Publishing through the real Wagtail admin, checked by a live `dedupe serve`.

Each test asserts what a newsroom meets: the page's real ``live`` state and its public URL, what
the editor is told, and what the service's index holds afterwards.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text

from dedupe_wagtail.client import remove_article
from wagtail_tests.newsroom.models import ArticlePage

from .conftest import TOKEN, free_port

ROOT = Path(__file__).resolve().parents[3]


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# An article the example index does not hold (France 24 on the OPCW experts), and an SPA item it does.
FRESH = _records(ROOT / "fixtures" / "reworded" / "opcw_syria.jsonl")[0]
SPA_ITEM = next(r for r in _records(ROOT / "fixtures" / "example" / "saudinewsnet-2015-08-10-excerpt.jsonl") if r["outlet"] == "was" and len(r["text"]) > 600)
FLASH = "عاجل: انقطاع الكهرباء عن وسط المدينة"
# The SPA item as a paper reposts it without credit: its dateline (with "واس") and wire furniture cut.
UNCREDITED_SPA = "\n".join(line for line in SPA_ITEM["text"].splitlines()[1:] if "//" not in line and " ت م" not in line)


def _html(text: str) -> str:
    return "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())


@pytest.fixture
def prefix() -> str:
    """Index ids of this test's pages: its own, so tests sharing the service do not meet."""
    return f"t{uuid.uuid4().hex[:10]}-"


@pytest.fixture
def dedupe_on(service: str, prefix: str, django_db: None) -> Iterator[dict[str, Any]]:
    """The app switched on against the live service, as a site of its own: its own outlet and
    id prefix, so what another test published is another outlet's article."""
    values = {
        "DEDUPE_URL": service, "DEDUPE_API_TOKEN": TOKEN, "DEDUPE_OUTLET": f"site-{prefix}", "DEDUPE_ID_PREFIX": prefix,
        "DEDUPE_TIMEOUT": 5,
    }
    with override_settings(**values):
        yield values
    # What this test published leaves the index: the next test's site starts from the example corpus.
    for pk in ArticlePage.objects.values_list("pk", flat=True):
        assert remove_article(service, f"{prefix}{pk}", token=TOKEN).ok


@pytest.fixture
def editor(django_db: None) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="editor"))
    return client


def _home() -> Page:
    return Page.objects.get(depth=2)


def _create(client: Client, title: str, text: str, *, action: str = "publish", byline: str = "") -> tuple[ArticlePage | None, list[str]]:
    """The create view, as the admin form posts it: the new page (None if none was made) and the editor's messages."""
    slug = f"a-{uuid.uuid4().hex[:12]}"
    data = {"title": title, "slug": slug, "byline": byline, "body": rich_text(_html(text))}
    if action == "publish":
        data["action-publish"] = "action-publish"
    response = client.post(reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", _home().pk)), nested_form_data(data))
    assert response.status_code in (200, 302), response.status_code
    page = ArticlePage.objects.filter(slug=slug).first()
    return page, [str(m) for m in get_messages(response.wsgi_request)]


def _edit(client: Client, page: ArticlePage, text: str) -> list[str]:
    data = {"title": page.title, "slug": page.slug, "byline": page.byline, "body": rich_text(_html(text)), "action-publish": "action-publish"}
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), nested_form_data(data))
    assert response.status_code in (200, 302), response.status_code
    return [str(m) for m in get_messages(response.wsgi_request)]


def _public_status(page: Page) -> int:
    page.refresh_from_db()
    return Client().get(f"/{page.slug}/").status_code


def _indexed(service: str, article_id: str) -> bool:
    request = urllib.request.Request(f"{service}/v1/articles/{article_id}", headers={"Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return bool(r.status == 200)
    except urllib.error.HTTPError as e:
        assert e.code == 404, e.code
        return False


def test_a_new_article_passes_goes_live_and_is_indexed(editor: Client, dedupe_on: dict[str, Any], service: str, prefix: str) -> None:
    page, said = _create(editor, FRESH["title"], FRESH["text"])
    assert page is not None and page.live
    assert _public_status(page) == 200
    assert not any("Not published" in m or "warning" in m.lower() for m in said), said
    assert _indexed(service, f"{prefix}{page.pk}")


def test_a_new_page_repeating_our_own_article_is_blocked_and_is_not_live(editor: Client, dedupe_on: dict[str, Any], service: str, prefix: str) -> None:
    first, _ = _create(editor, FRESH["title"], FRESH["text"])
    assert first is not None and first.live
    copy, said = _create(editor, FRESH["title"] + " (نسخة)", FRESH["text"])
    assert copy is not None, "the create view keeps the refused page as a draft"
    copy.refresh_from_db()
    assert not copy.live and copy.has_unpublished_changes
    assert _public_status(copy) == 404
    assert any(m.startswith("Not published") for m in said), said
    assert not _indexed(service, f"{prefix}{copy.pk}")
    assert _indexed(service, f"{prefix}{first.pk}")


def test_a_live_page_edited_into_a_copy_keeps_its_live_revision(editor: Client, dedupe_on: dict[str, Any], service: str, prefix: str) -> None:
    first, _ = _create(editor, FRESH["title"], FRESH["text"])
    other, _ = _create(editor, "خبر محلي", "افتتح أمير المنطقة اليوم معرضا للكتاب في مركز المدينة الثقافي بمشاركة خمسين دار نشر.\nويستمر المعرض عشرة أيام.")
    assert first is not None and other is not None and other.live
    said = _edit(editor, other, FRESH["text"])
    assert any(m.startswith("Not published") for m in said), said
    other.refresh_from_db()
    assert other.live and other.has_unpublished_changes
    assert "معرضا للكتاب" in other.body, "the public page still reads as it was published"


def test_a_short_flash_publishes_without_a_false_index_warning(editor: Client, dedupe_on: dict[str, Any], service: str, prefix: str) -> None:
    page, said = _create(editor, "عاجل", FLASH)
    assert page is not None and page.live
    assert not any("not added to the copy-check index" in m for m in said), said
    assert any(m.startswith("Copy check:") and "short" in m for m in said), said
    assert not _indexed(service, f"{prefix}{page.pk}")


def test_uncredited_wire_copy_is_published_with_a_warning(editor: Client, dedupe_on: dict[str, Any], service: str, prefix: str) -> None:
    page, said = _create(editor, SPA_ITEM["title"], UNCREDITED_SPA)
    assert page is not None and page.live
    assert any(m.startswith("Copy check warning") for m in said), said
    assert _indexed(service, f"{prefix}{page.pk}")


@pytest.mark.parametrize("fail_closed", [False, True])
def test_a_service_that_is_down(editor: Client, dedupe_on: dict[str, Any], fail_closed: bool) -> None:
    with override_settings(DEDUPE_URL=f"http://127.0.0.1:{free_port()}", DEDUPE_FAIL_CLOSED=fail_closed):
        page, said = _create(editor, FRESH["title"], FRESH["text"])
    assert page is not None
    page.refresh_from_db()
    assert page.live is not fail_closed
    assert _public_status(page) == (404 if fail_closed else 200)
    assert any(m.startswith("Not published" if fail_closed else "Copy check warning") and "cannot reach" in m for m in said), said


def test_a_wrong_token_fails_open_with_a_warning(editor: Client, dedupe_on: dict[str, Any], service: str, prefix: str) -> None:
    with override_settings(DEDUPE_API_TOKEN="not-the-token"):
        page, said = _create(editor, FRESH["title"], FRESH["text"])
    assert page is not None and page.live
    assert any(m.startswith("Copy check warning") for m in said), said
    assert not _indexed(service, f"{prefix}{page.pk}"), "indexing with a wrong token is refused too"


def test_unpublish_and_delete_take_the_page_out_of_the_index(editor: Client, dedupe_on: dict[str, Any], service: str, prefix: str) -> None:
    page, _ = _create(editor, FRESH["title"], FRESH["text"])
    assert page is not None and _indexed(service, f"{prefix}{page.pk}")
    response = editor.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,)))
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert not _indexed(service, f"{prefix}{page.pk}")
    again, _ = _create(editor, FRESH["title"], FRESH["text"])
    assert again is not None and again.live, "the unpublished original no longer blocks"
    assert _indexed(service, f"{prefix}{again.pk}")
    response = editor.post(reverse("wagtailadmin_pages:delete", args=(again.pk,)))
    assert response.status_code == 302
    assert not ArticlePage.objects.filter(pk=again.pk).exists()
    assert not _indexed(service, f"{prefix}{again.pk}")


def test_bulk_publish_of_a_blocked_draft_is_refused(editor: Client, dedupe_on: dict[str, Any], service: str, prefix: str) -> None:
    first, _ = _create(editor, FRESH["title"], FRESH["text"])
    draft, _ = _create(editor, FRESH["title"] + " (مسودة)", FRESH["text"], action="save")
    assert first is not None and draft is not None and not draft.live
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish")) + f"?id={draft.pk}"
    response = editor.post(url, {"include_descendants": ""})
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    draft.refresh_from_db()
    assert not draft.live
    assert any(m.startswith("Not published") for m in said), said
    assert not _indexed(service, f"{prefix}{draft.pk}")


def test_copy_and_publish_of_an_article_is_refused_a_draft_copy_is_not(editor: Client, dedupe_on: dict[str, Any], service: str, prefix: str) -> None:
    page, _ = _create(editor, FRESH["title"], FRESH["text"])
    assert page is not None and page.live
    url = reverse("wagtailadmin_pages:copy", args=(page.pk,))
    form = {"new_title": page.title + " 2", "new_slug": f"{page.slug}-copy", "new_parent_page": str(_home().pk)}
    response = editor.post(url, {**form, "publish_copies": "on"})
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert response.status_code == 302 and any(m.startswith("Not copied") for m in said), said
    assert not ArticlePage.objects.filter(slug=f"{page.slug}-copy").exists()
    response = editor.post(url, form)
    assert response.status_code == 302
    copy = ArticlePage.objects.get(slug=f"{page.slug}-copy")
    assert not copy.live and not _indexed(service, f"{prefix}{copy.pk}")


def test_a_scheduled_page_is_indexed_when_it_goes_live_not_before(editor: Client, dedupe_on: dict[str, Any], service: str, prefix: str) -> None:
    import time
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    slug = f"s-{uuid.uuid4().hex[:12]}"
    go_live = timezone.now() + timedelta(seconds=2)
    data = {
        "title": FRESH["title"], "slug": slug, "byline": "", "body": rich_text(_html(FRESH["text"])),
        "go_live_at": timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M:%S"), "action-publish": "action-publish",
    }
    response = editor.post(reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", _home().pk)), nested_form_data(data))
    assert response.status_code == 302
    page = ArticlePage.objects.get(slug=slug)
    assert not page.live and not _indexed(service, f"{prefix}{page.pk}"), "scheduled, not yet public"
    time.sleep(max(0.0, (go_live - timezone.now()).total_seconds()) + 1.0)
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live
    assert _indexed(service, f"{prefix}{page.pk}")
