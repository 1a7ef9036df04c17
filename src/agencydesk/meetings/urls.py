from django.urls import path

from agencydesk.meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_new, name="new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/minutes/", views.minutes_edit, name="minutes"),
    path("meetings/minutes/<int:pk>/send/", views.minutes_send, name="send"),
    path("meetings/points/<int:pk>/", views.point_detail, name="point"),
    path("meetings/calls/<int:pk>/", views.call_confirmation, name="call_confirmation"),
    path("minutes/<str:token>/", views.minutes_confirm, name="confirm"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("calendar/feed/new/", views.feed_new, name="feed_new"),
    path("calendar/feed/revoke/", views.feed_revoke, name="feed_revoke"),
]
