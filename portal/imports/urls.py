from django.urls import path

from portal.imports import views

urlpatterns = [
    path("", views.index, name="resource_import"),
    path("template.xlsx", views.template_xlsx, name="resource_import_template"),
    path("<int:pk>/", views.detail, name="resource_import_detail"),
    path("<int:pk>/confirm/", views.confirm, name="resource_import_confirm"),
    path("<int:pk>/cancel/", views.cancel, name="resource_import_cancel"),
    path("<int:pk>/status.json", views.status, name="resource_import_status"),
]
