from django.urls import path

from agencydesk.insights import views

app_name = "insights"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("team/", views.team, name="team"),
    path("responses/", views.responses, name="responses"),
    path("responses.csv", views.responses_csv, name="responses_csv"),
]
