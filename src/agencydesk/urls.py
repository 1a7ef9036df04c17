from typing import Any

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from agencydesk.api import api


class FaviconRedirect(RedirectView):
    """``/favicon.ico`` → the app's icon (resolved per request: the static manifest may be hashed)."""

    permanent = True

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        return static("agencydesk/favicon.svg")


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="insights:today", permanent=False), name="home"),
    path("", include("agencydesk.insights.urls")),
    path("", include("agencydesk.commitments.urls")),
    path("", include("agencydesk.messaging.urls")),
    path("", include("agencydesk.work.urls")),
    path("", include("agencydesk.approvals.urls")),
    path("accounts/", include("agencydesk.accounts.urls")),
    path("clients/", include("agencydesk.clients.urls")),
    path("", include("agencydesk.clients.calendar_urls")),
    path("", include("agencydesk.integrations.telegram.urls")),
    path("", include("agencydesk.integrations.email.urls")),
    # Browsers ask for /favicon.ico whatever the page says: send them to the app's icon.
    path(
        "favicon.ico",
        FaviconRedirect.as_view(),
        name="favicon",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
