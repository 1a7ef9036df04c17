from django.urls import path

from agencydesk.work import views

app_name = "work"
urlpatterns = [
    path("deliverables/", views.deliverable_list, name="list"),
    path("deliverables/new/", views.deliverable_new, name="new"),
    path("deliverables/<int:pk>/", views.deliverable_detail, name="detail"),
    path("deliverables/<int:pk>/submit/", views.deliverable_submit, name="submit"),
    path("deliverables/<int:pk>/review/", views.deliverable_review, name="review"),
    path("deliverables/<int:pk>/deliver/", views.deliverable_deliver, name="deliver"),
    path("deliverables/<int:pk>/at-risk/", views.deliverable_at_risk, name="at_risk"),
    path("deliverables/<int:pk>/delay-notice/", views.delay_notice, name="delay_notice"),
    path("deliverables/<int:pk>/status/", views.deliverable_status, name="status"),
]
