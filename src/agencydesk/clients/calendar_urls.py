from django.urls import path

from agencydesk.clients import calendar_views as views

# The names kept from when the editor lived in calendars/, as templates and
# the authorization matrix know them.
app_name = "calendars"
urlpatterns = [
    path("clients/<int:pk>/calendar/", views.client_calendar_edit, name="client_edit"),
    path(
        "clients/<int:pk>/calendar/preview/", views.client_calendar_preview, name="client_preview"
    ),
    path(
        "clients/<int:pk>/calendar/default/",
        views.client_calendar_use_default,
        name="client_default",
    ),
]
