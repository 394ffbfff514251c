"""The panel on the Wagtail admin home: what needs the office's attention today."""

from django.utils import timezone

from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel

from tracking import kept
from tracking.models import Measure, OutputRecord, Semester


def can_track(user):
    """The office, reviewers and workshop leads: anyone with a permission in tracking. What the
    panel shows is public on the 成效 page anyway, except the records awaiting review, which
    are limited to what the user may see."""
    return user.has_module_perms("tracking")


def reviewers_work_first(panels):
    """The pages awaiting the user's review (Wagtail's 等待你的审查, shown only when there are
    some) come before this panel: a reviewer logs in to decide them, and the 35 lines of
    lagging targets would push them a screen and a half down."""
    for panel in panels:
        if isinstance(panel, WorkflowObjectsToModeratePanel):
            panel.order = min(panel.order, TrackingPanel.order - 10)


class TrackingPanel(Component):
    name = "tracking"
    template_name = "tracking/dashboard_panel.html"
    order = 90  # above Wagtail's own summaries: this is what the office logs in for

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        semester = Semester.objects.current(today)
        behind = [p for p in kept.target_progress(today) if p.behind]
        rules = kept.cadence(semester, today) if semester else []
        measures = [m for m in Measure.objects.all() if m.is_past_deadline(today)]
        awaiting = (
            OutputRecord.objects.awaiting_verification()
            .for_user(self.request.user)
            .select_related("school", "workshop")
            .order_by("submitted_at", "pk")
        )
        return {
            "semester": semester,
            "behind": behind,
            "rules_not_met": [r for r in rules if not r.met],
            "measures_late": measures,
            "awaiting": list(awaiting[:10]),
            "awaiting_count": awaiting.count(),
            "can_report": self.request.user.has_perm("tracking.view_evaluationscore"),
        }
