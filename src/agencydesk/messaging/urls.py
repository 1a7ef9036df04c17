from django.urls import path

from agencydesk.messaging import views

app_name = "messaging"
urlpatterns = [
    path("clients/<int:pk>/messages/", views.timeline, name="timeline"),
    path("clients/<int:pk>/messages/send/", views.send, name="send"),
    path("clients/<int:pk>/messages/log/", views.log, name="log"),
    path("clients/<int:pk>/messages/delivery/", views.delivery_preview, name="delivery"),
    path(
        "clients/<int:pk>/messages/<int:message_pk>/labels/",
        views.labels_set,
        name="labels_set",
    ),
]
