from django.urls import path

from agencydesk.commitments import views

app_name = "commitments"
urlpatterns = [
    path("today/<int:pk>/act/", views.today_act, name="act"),
]
