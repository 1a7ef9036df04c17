"""Deployment checks of sign-in: ``agencydesk manage check --deploy``."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

from agencydesk.accounts.proxy import startup_warning


@register("security", deploy=True)
def trusted_proxy_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    text = startup_warning(os.environ, settings)
    if text is None:
        return []
    return [
        Warning(
            text,
            hint=(
                "For example WEB_TRUSTED_PROXY=127.0.0.1 when the proxy runs on the same "
                "machine (see WEB_TRUSTED_PROXY_COUNT and WEB_TRUSTED_PROXY_HEADERS)."
            ),
            id="agencydesk.W011",
        )
    ]
