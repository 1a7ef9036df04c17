from django.urls import path

from agencydesk.integrations.email import views

app_name = "email"
urlpatterns = [
    path("email/", views.triage, name="triage"),
    path("email/mailboxes/add/", views.mailbox_add, name="mailbox_add"),
    path("email/mailboxes/<int:pk>/", views.mailbox_edit, name="mailbox_edit"),
    path("email/mailboxes/<int:pk>/test/", views.mailbox_test, name="mailbox_test"),
    path("email/unknown/<int:pk>/assign/", views.assign, name="assign"),
    path("email/unknown/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("email/messages/<int:pk>/classification/", views.classification, name="classification"),
    path("email/failing/<int:pk>/clear/", views.suppression_clear, name="suppression_clear"),
    path("email/files/<int:pk>/", views.attachment, name="file"),
]
