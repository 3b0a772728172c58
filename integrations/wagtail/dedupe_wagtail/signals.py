"""The index follows what is live: a page is added when it goes live, on whatever path it got
there (the edit view, bulk publishing, a workflow's approval, a copy published with its
original, the scheduled-publishing command), and removed when it is unpublished or deleted.

Connected by :class:`dedupe_wagtail.apps.DedupeWagtailConfig`. The outcome of indexing the page
a request just published is kept for that request, so the editor can be told when it failed.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from .client import Indexed, index_article, remove_article
from .pages import article_id, page_to_article, settings_of

logger = logging.getLogger("dedupe_wagtail")

_outcomes = threading.local()


def last_indexed(page_pk: int) -> Indexed | None:
    """What indexing page ``page_pk`` gave in this thread, when it was the last page indexed
    here (None otherwise). Only the last outcome is kept: bulk and scheduled publishing index
    pages that no request asks about."""
    last: tuple[int, Indexed] | None = getattr(_outcomes, "last", None)
    if last is None or last[0] != page_pk:
        return None
    _outcomes.last = None
    return last[1]


def on_published(sender: Any, instance: Any, revision: Any = None, **kwargs: Any) -> None:
    """``page_published``: add the page, as it now reads, to the index. Wagtail sends it also
    when a revision is only scheduled (``go_live_at`` ahead): that page is indexed when the
    scheduled-publishing command makes the revision live, and sends it again."""
    config = settings_of()
    if config is None:
        return
    if not instance.live or (revision is not None and instance.live_revision_id != revision.pk):
        logger.info("page %s scheduled, not live yet: indexed when it goes live", instance.pk)
        return
    article = page_to_article(instance, config)
    if article is None:
        return
    key = article.pop("id")
    result = index_article(config.url, key, article, token=config.token, timeout=config.timeout, outlet=config.outlet)
    if result.ok:
        logger.info("page %s indexed as %s (%s)", instance.pk, key, result.status)
    elif result.skipped:
        logger.info("page %s not indexed: %s", instance.pk, result.message)
    else:
        logger.warning("indexing page %s failed (%s): %s", instance.pk, result.error, result.message)
    _outcomes.last = (instance.pk, result)


def _remove(page: Any, why: str) -> None:
    config = settings_of()
    if config is None:
        return
    key = article_id(page, config)
    result = remove_article(config.url, key, token=config.token, timeout=config.timeout)
    if result.ok:
        logger.info("page %s %s: %s %s from the index", page.pk, why, key, result.status)
    else:
        logger.warning("page %s %s, but removing %s from the index failed (%s): %s", page.pk, why, key, result.error, result.message)


def on_unpublished(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``page_unpublished``: what is no longer public is no longer an original to match."""
    _remove(instance, "unpublished")


def on_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_delete`` of a page (of any model: Wagtail deletes subtrees through the base model)."""
    if getattr(instance, "live", False) or getattr(instance, "first_published_at", None) is not None:
        _remove(instance, "deleted")
