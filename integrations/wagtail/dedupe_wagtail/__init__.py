"""dedupe's pre-publish copy check inside Wagtail: an installable Django app.

Add ``"dedupe_wagtail"`` to ``INSTALLED_APPS`` and set ``DEDUPE_URL`` (see
:mod:`dedupe_wagtail.pages` for every setting and ``integrations/wagtail/README.md``).
"""

__version__ = "0.2.0"
