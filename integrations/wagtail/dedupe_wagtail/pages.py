"""What a Wagtail page sends to the service, and the settings the app reads.

Settings (Django settings):

``DEDUPE_URL``          base URL of the service, e.g. ``"http://127.0.0.1:8765"``. Unset or empty:
                        the app does nothing.
``DEDUPE_API_TOKEN``    the service's bearer token (its ``DEDUPE_API_TOKEN``), if it has one.
``DEDUPE_OUTLET``       this site's outlet name as the index knows it (e.g. ``"alyaum"``): needed
                        to tell "we already published this" (block) from "another outlet did" (warn).
``DEDUPE_FAIL_CLOSED``  ``True``: refuse publishing when the check cannot run; default ``False``
                        (publish, with a warning).
``DEDUPE_TIMEOUT``      seconds per network operation, default ``5``.
``DEDUPE_ID_PREFIX``    the index id of a page is this prefix and its pk, default ``"wagtail-page-"``:
                        give each site (and staging) sharing one service its own.

Which pages, which text: a page is checked when it has a ``body`` attribute (a StreamField or
a RichTextField); its text is the body rendered to HTML and reduced to plain text
(:func:`dedupe_wagtail.client.html_to_text`), its byline a ``byline`` or ``author`` attribute
when the model has one. A page model can decide for itself by defining
``dedupe_article(self) -> dict`` (keys ``title``, ``text``, ``author``, ``date``, ``url``; return
``None`` to skip the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from wagtail.models import Page

from .client import Decision, check_article, html_to_text

__all__ = ["Settings", "article_id", "check_page", "page_to_article", "settings_of"]


@dataclass(frozen=True)
class Settings:
    url: str
    token: str | None
    timeout: float
    outlet: str | None
    fail_closed: bool
    id_prefix: str


def settings_of() -> Settings | None:
    """The app's settings, or None when ``DEDUPE_URL`` is unset (the app is then inactive)."""
    url = getattr(settings, "DEDUPE_URL", "") or ""
    if not url:
        return None
    return Settings(
        url=url,
        token=getattr(settings, "DEDUPE_API_TOKEN", None) or None,
        timeout=float(getattr(settings, "DEDUPE_TIMEOUT", 5.0)),
        outlet=getattr(settings, "DEDUPE_OUTLET", None) or None,
        fail_closed=bool(getattr(settings, "DEDUPE_FAIL_CLOSED", False)),
        id_prefix=str(getattr(settings, "DEDUPE_ID_PREFIX", "wagtail-page-")),
    )


def article_id(page: Any, config: Settings) -> str:
    """The page's id in the index, for the check (so a republished page is not compared with
    its own earlier version) and for indexing alike."""
    return f"{config.id_prefix}{page.pk}"


def _value_text(value: Any) -> str:
    """Plain text of a StreamField value (rendered by its blocks' templates), a RichText object
    or a RichTextField's stored HTML string: all are HTML once turned into a string."""
    return html_to_text(str(value)) if value is not None else ""


def page_to_article(page: Any, config: Settings) -> dict[str, Any] | None:
    """The article the service is sent for ``page``, or ``None`` for pages that are not articles."""
    page = page.specific if type(page) is Page else page  # a base Page (explorer, copy view): its model's fields
    custom = getattr(page, "dedupe_article", None)
    if callable(custom):
        article = custom()
        if article is None:
            return None
        article = dict(article)
    elif hasattr(page, "body"):
        byline = getattr(page, "byline", None) or getattr(page, "author", None) or ""
        article = {"title": page.title, "text": _value_text(page.body), "author": str(byline)}
    else:
        return None
    article.setdefault("title", page.title)
    article.setdefault("date", page.first_published_at or page.go_live_at or timezone.now())
    article.setdefault("url", getattr(page, "full_url", None) or "")  # None when no Site matches yet
    article["id"] = article_id(page, config)
    return article


def check_page(page: Any, config: Settings) -> Decision | None:
    """The service's decision on ``page`` as it now reads, or None for a page that is no article."""
    article = page_to_article(page, config)
    if article is None:
        return None
    return check_article(
        config.url, article, token=config.token, timeout=config.timeout,
        outlet=config.outlet, passages=False, fail_closed=config.fail_closed,
    )
