from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"AGENCY_NAME": settings.AGENCY_NAME, "LANGUAGES": settings.LANGUAGES}
