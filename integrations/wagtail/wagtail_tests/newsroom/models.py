"""The article page the tests publish: a rich-text body and a byline, as a newsroom's has."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class ArticlePage(Page):
    body = RichTextField(blank=True)
    byline = models.CharField(max_length=200, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("byline"), FieldPanel("body")]
