from django.urls import path

from agencydesk.clients import import_views, views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("import/", import_views.import_upload, name="import"),
    path("import/run/", import_views.import_run, name="import_run"),
    path("<int:pk>/export/", import_views.client_export, name="export"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/delete/", views.client_delete, name="delete"),
    path("<int:pk>/contract/new/", views.contract_edit, name="contract_create"),
    path("<int:pk>/contract/<int:contract_pk>/", views.contract_edit, name="contract_edit"),
    path("<int:pk>/<slug:kind>/new/", views.child_edit, name="child_create"),
    path("<int:pk>/<slug:kind>/<int:child_pk>/", views.child_edit, name="child_edit"),
    path("<int:pk>/<slug:kind>/<int:child_pk>/delete/", views.child_delete, name="child_delete"),
]
