from django.urls import path

from agencydesk.approvals import views

app_name = "approvals"
urlpatterns = [
    # The approver's signed link: no login, the token is the only key.
    path("approve/<str:token>/", views.link, name="link"),
    path("approve/<str:token>/file/<int:number>/", views.link_file, name="link_file"),
    path("deliverables/<int:pk>/approvals/send/", views.send, name="send"),
    path("deliverables/<int:pk>/amount/", views.amount, name="amount"),
    path("deliverables/<int:pk>/launch/", views.launch, name="launch"),
    path("approvals/<int:pk>/rounds/", views.next_round, name="round"),
    path("approvals/<int:pk>/decisions/", views.record_decision, name="decision"),
    path("approvals/rounds/<int:pk>/file/", views.round_file, name="file"),
    path("approvals/decisions/<int:pk>/taste/", views.taste, name="taste"),
]
