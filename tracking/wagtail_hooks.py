from django.urls import path
from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from wagtail_modeladmin.options import modeladmin_register

from tracking import views
from tracking.admin import TrackingGroup
from tracking.dashboard import TrackingPanel, can_track, reviewers_work_first

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
    reviewers_work_first(panels)


@hooks.register("register_log_actions")
def register_output_log_actions(actions):
    actions.register_action("tracking.verify", _("核实成果"), _("成果已核实"))
    actions.register_action("tracking.return", _("退回成果"), _("成果已退回"))
    actions.register_action(
        "tracking.reopen", _("修改已核实的成果"), _("已核实的成果经修改，重回待审核")
    )
