"""A minimal Wagtail project for the app's tests: the admin, one article page model
(:mod:`wagtail_tests.newsroom`), SQLite. ``DEDUPE_*`` settings are set per test."""

from __future__ import annotations

import os
from pathlib import Path

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "wagtail_tests.urls"
USE_TZ = True
TIME_ZONE = "Asia/Riyadh"
LANGUAGE_CODE = "en"
WAGTAIL_SITE_NAME = "dedupe tests"
WAGTAILADMIN_BASE_URL = "http://localhost"
WAGTAILADMIN_COMMENTS_ENABLED = False
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
STATIC_URL = "/static/"
STATIC_ROOT = str(Path(os.environ.get("DEDUPE_WAGTAIL_TEST_DIR", "/tmp")) / "static")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(os.environ.get("DEDUPE_WAGTAIL_TEST_DIR", "/tmp")) / "wagtail.sqlite3"),
    }
}

INSTALLED_APPS = [
    "dedupe_wagtail",
    "wagtail_tests.newsroom",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"dedupe_wagtail": {"handlers": ["console"], "level": "INFO"}},
}
