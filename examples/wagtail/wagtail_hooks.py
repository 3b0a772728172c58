"""Wagtail hooks: check an article with ``dedupe serve`` before it is published, and index it after.

Copy this file and ``dedupe_client.py`` into one of your Django apps (Wagtail loads every
app's ``wagtail_hooks.py``). All the logic is in ``dedupe_client``; this module only turns a
page into an article and a :class:`dedupe_client.Decision` into admin messages. See README.md.

Settings (Django settings):

``DEDUPE_URL``          base URL of the service, e.g. ``"http://127.0.0.1:8000"``. Unset or empty:
                        the hooks do nothing.
``DEDUPE_API_TOKEN``    the service's bearer token (its ``DEDUPE_API_TOKEN``), if it has one.
``DEDUPE_OUTLET``       this site's outlet name as the index knows it (e.g. ``"alyaum"``): needed
                        to tell "we already published this" (block) from "another outlet did" (warn).
``DEDUPE_FAIL_CLOSED``  ``True``: block publishing when the check cannot run; default ``False``
                        (publish, with a warning).
``DEDUPE_TIMEOUT``      seconds per network operation, default ``5``.

Which pages, which text: a page is checked when it has a ``body`` attribute (a StreamField or
a RichTextField); its text is the body rendered to HTML and reduced to plain text
(:func:`dedupe_client.html_to_text`), its byline a ``byline`` or ``author`` attribute when the
model has one. A page model can decide for itself by defining ``dedupe_article(self) -> dict``
(keys ``title``, ``text``, ``author``, ``date``, ``url``; return ``None`` to skip the page).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from wagtail import hooks

from .dedupe_client import Decision, check_article, html_to_text, index_article

logger = logging.getLogger(__name__)

ID_PREFIX = "wagtail-page-"
"""Index ids of pages are ``wagtail-page-<pk>``: the same id for the check (so a republished
page is not compared with its own earlier version) and for indexing."""


def _config() -> dict[str, Any] | None:
    url = getattr(settings, "DEDUPE_URL", "") or ""
    if not url:
        return None
    return {
        "base_url": url,
        "token": getattr(settings, "DEDUPE_API_TOKEN", None) or None,
        "timeout": float(getattr(settings, "DEDUPE_TIMEOUT", 5.0)),
        "outlet": getattr(settings, "DEDUPE_OUTLET", None) or None,
        "fail_closed": bool(getattr(settings, "DEDUPE_FAIL_CLOSED", False)),
    }


def _value_text(value: Any) -> str:
    """Plain text of a StreamField value (rendered by its blocks' templates), a RichText object
    or a RichTextField's stored HTML string: all are HTML once turned into a string."""
    return html_to_text(str(value)) if value is not None else ""


def page_to_article(page: Any) -> dict[str, Any] | None:
    """The article the service is sent for ``page``, or ``None`` for pages that are not articles."""
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
    article["id"] = f"{ID_PREFIX}{page.pk}"
    return article


def _show(request: Any, decision: Decision) -> None:
    for match in decision.matches[:3]:
        if match.url:
            logger.info("dedupe: page matches %s (%s, %s) %s", match.id, match.relation, match.outlet, match.url)
    if decision.blocks:
        messages.error(request, f"Not published: {decision.summary()}. Your changes were saved as a draft.")
    elif decision.warns:
        messages.warning(request, f"Copy check warning: {decision.summary()}.")
    elif decision.messages:
        messages.info(request, f"Copy check: {decision.summary()}.")


@hooks.register("before_publish_page")
def dedupe_before_publish(request: Any, page: Any) -> Any:
    """Check the page; on ``block`` return a redirect to its edit view, which aborts the publish
    (Wagtail has already saved the new revision as a draft); otherwise let it publish."""
    config = _config()
    article = page_to_article(page) if config else None
    if config is None or article is None:
        return None
    decision = check_article(
        config["base_url"], article, token=config["token"], timeout=config["timeout"],
        outlet=config["outlet"], passages=False, fail_closed=config["fail_closed"],
    )
    if decision.failed:
        logger.warning("dedupe: check of page %s failed (%s): %s", page.pk, decision.error, decision.summary())
    _show(request, decision)
    if decision.blocks:
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("after_publish_page")
def dedupe_after_publish(request: Any, page: Any) -> None:
    """Add the published page to the index, so later articles are checked against it. A failure
    does not undo the publish: it is logged and shown as a warning."""
    config = _config()
    article = page_to_article(page) if config else None
    if config is None or article is None:
        return
    article_id = article.pop("id")
    result = index_article(
        config["base_url"], article_id, article, token=config["token"], timeout=config["timeout"], outlet=config["outlet"],
    )
    if not result.ok:
        logger.warning("dedupe: indexing page %s failed (%s): %s", page.pk, result.error, result.message)
        messages.warning(request, f"Published, but not added to the copy-check index ({result.message}).")
