from django.urls import path

from agencydesk.integrations.telegram import views

app_name = "telegram"
urlpatterns = [
    path("telegram/", views.chats, name="chats"),
    path("telegram/chats/<int:pk>/assign/", views.assign, name="assign"),
    path("telegram/chats/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("telegram/alerts/code/", views.alerts_code, name="alerts_code"),
    path("telegram/files/<int:pk>/", views.attachment, name="file"),
    path("clients/<int:pk>/telegram/link-code/", views.client_link_code, name="link_code"),
]
