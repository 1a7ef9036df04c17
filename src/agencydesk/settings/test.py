"""Fast test settings: in-memory SQLite unless DATABASE_URL names another, MD5 hasher, locmem mail."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")

from .base import *  # noqa: F403
from .base import DATABASES, INSTALLED_APPS, TASK_QUEUES

# A test-only app that declares a kind of commitment of its own (commitments/tests/plugin).
INSTALLED_APPS = [*INSTALLED_APPS, "agencydesk.commitments.tests.plugin"]

if not os.environ.get("DATABASE_URL"):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        "TEST": {"NAME": None},
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if not os.environ.get("TASKS_BACKEND"):
    TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": TASK_QUEUES,
        }
    }
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
