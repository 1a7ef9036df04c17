"""The agency default calendar's settings, from the environment (used by the migration and as a fallback)."""

from __future__ import annotations

import os

from django.conf import settings


def default_calendar_fields() -> dict[str, str]:
    return {
        "name": "Agency default",
        "timezone": settings.TIME_ZONE,
        "hours": os.environ.get("AGENCYDESK_WORKING_HOURS", "mon-fri 09:00-18:00"),
        "country": os.environ.get("AGENCYDESK_COUNTRY", "RU"),
    }
