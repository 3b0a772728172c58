"""Wagtail hooks: check a page with ``dedupe serve`` before it is published.

Wagtail imports this module because ``dedupe_wagtail`` is an installed app. All the talking to
the service is in :mod:`dedupe_wagtail.client`, what a page sends in :mod:`dedupe_wagtail.pages`;
this module turns a :class:`~dedupe_wagtail.client.Decision` into what Wagtail does with the
page and what the editor is told. Indexing and removal happen on Wagtail's signals
(:mod:`dedupe_wagtail.signals`), whatever path published or unpublished the page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.models import Page

from .client import Decision
from .pages import check_page, page_to_article, settings_of
from .signals import last_indexed

logger = logging.getLogger("dedupe_wagtail")


def _show(request: Any, decision: Decision) -> None:
    if decision.blocks:
        messages.error(request, f"Not published: {decision.summary()}. Your changes were saved as a draft.")
    elif decision.warns:
        messages.warning(request, f"Copy check warning: {decision.summary()}.")
    elif decision.messages:
        messages.info(request, f"Copy check: {decision.summary()}.")


def _keep_a_draft(page: Any) -> None:
    """Wagtail's create view saves a new page as live before it asks the hooks (its own tests
    expect "live + draft" after a refused publish): a refused new page is made a draft again, so
    its public URL answers 404. A page published before keeps its live revision."""
    if page.first_published_at is None and page.live:
        Page.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        page.live = False
        page.has_unpublished_changes = True


@hooks.register("before_publish_page")
def dedupe_before_publish(request: Any, page: Any) -> Any:
    """Check the page; on ``block`` keep it a draft and return to its edit view (which aborts
    the publish; the new revision is saved); otherwise let it publish."""
    config = settings_of()
    if config is None:
        return None
    decision = check_page(page, config)
    if decision is None:
        return None
    if decision.failed:
        logger.warning("check of page %s failed (%s): %s", page.pk, decision.error, decision.summary())
    _show(request, decision)
    if decision.blocks:
        _keep_a_draft(page)
        logger.info("page %s not published: %s", page.pk, decision.summary())
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_bulk_action")
def dedupe_before_bulk_publish(request: Any, action_type: str, objects: Any, action: Any) -> Any:
    """Bulk publishing from the page explorer: every page is checked as its latest revision
    reads. A bulk action has no step where an editor could confirm a warning, so a page that
    would be blocked or warned about refuses the whole action: publish it from its edit view."""
    config = settings_of()
    if config is None or action_type != "publish":
        return None
    refused = []
    for page in objects:
        decision = check_page(page.get_latest_revision_as_object(), config)
        if decision is not None and not decision.passes:
            refused.append((page, decision))
    if not refused:
        return None
    for page, decision in refused:
        messages.error(
            request,
            f"Not published: “{page.get_admin_display_title()}”: {decision.summary()}. Open it and publish it from its edit view.",
        )
    logger.info("bulk publish refused for pages %s", [p.pk for p, _ in refused])
    return redirect(request.META.get("HTTP_REFERER") or "wagtailadmin_explore_root")


@hooks.register("after_publish_page")
def dedupe_after_publish(request: Any, page: Any) -> None:
    """Tell the editor when the page went live but could not be added to the index (indexing
    itself is done on ``page_published``, see :mod:`dedupe_wagtail.signals`). A page refused
    as too short to index (a one-line flash) is no failure."""
    result = last_indexed(page.pk)
    if result is not None and not result.ok and not result.skipped:
        messages.warning(request, f"Published, but not added to the copy-check index ({result.message}).")


@hooks.register("before_copy_page")
def dedupe_before_copy(request: Any, page: Any) -> Any:
    """Copy with "Publish copied page": the copy goes live without passing the create or edit
    view, and a copy of an article is that article again. Wagtail gives no hook on the copy
    itself, so publishing an article's copy this way is refused; copying it as a draft (to edit
    and publish from its edit view, where it is checked) is not. An alias is no new article."""
    config = settings_of()
    if config is None or request.method != "POST" or not request.POST.get("publish_copies") or request.POST.get("alias"):
        return None
    if page_to_article(page, config) is None:
        return None
    messages.error(
        request,
        "Not copied: a copy of an article cannot be published from the copy form. Copy it without "
        "“Publish copied page”, then edit it and publish it from its edit view, where it is checked.",
    )
    logger.info("copy-and-publish of page %s refused", page.pk)
    return redirect("wagtailadmin_pages:copy", page.pk)
