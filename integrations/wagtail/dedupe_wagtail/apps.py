from __future__ import annotations

from django.apps import AppConfig


class DedupeWagtailConfig(AppConfig):
    name = "dedupe_wagtail"
    label = "dedupe_wagtail"
    verbose_name = "dedupe copy check"

    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished

        from . import signals

        page_published.connect(signals.on_published, dispatch_uid="dedupe_wagtail.published")
        page_unpublished.connect(signals.on_unpublished, dispatch_uid="dedupe_wagtail.unpublished")
        post_delete.connect(signals.on_deleted, sender=Page, dispatch_uid="dedupe_wagtail.deleted")
