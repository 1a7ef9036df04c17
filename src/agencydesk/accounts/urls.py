from django.urls import path

from agencydesk.accounts import lockouts, passwords, team, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_switch, name="language"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", passwords.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        passwords.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        passwords.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("people/", team.people, name="people"),
    path("people/new/", team.person_new, name="person_new"),
    path("people/<int:pk>/", team.person, name="person"),
    path("people/<int:pk>/deactivate/", team.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/activate/", team.person_activate, name="person_activate"),
    path("people/<int:pk>/password-link/", team.person_link, name="person_link"),
    path("people/<int:pk>/absences/", team.absence_add, name="absence_add"),
    path("absences/<int:pk>/remove/", team.absence_remove, name="absence_remove"),
    path("lockouts/", lockouts.lockouts, name="lockouts"),
    path("lockouts/clear/", lockouts.lockout_clear, name="lockout_clear"),
]
