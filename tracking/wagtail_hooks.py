from django.urls import path

from wagtail import hooks

from wagtail_modeladmin.options import modeladmin_register

from tracking import views
from tracking.admin import TrackingGroup
from tracking.dashboard import TrackingPanel, can_track

modeladmin_register(TrackingGroup)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("tracking/report/", views.report_page, name="tracking_report"),
        path("tracking/report/xlsx/", views.report_xlsx, name="tracking_report_xlsx"),
    ]


@hooks.register("construct_homepage_panels")
def add_tracking_panel(request, panels):
    if can_track(request.user):
        panels.append(TrackingPanel(request))
