"""The review workflow as the people in it see it: the reviewer is told what their decision
did, and the member whose page was returned finds who asked for which changes in the page's
editor, not only in an e-mail."""

from django.utils import timezone
from django.utils.html import format_html

from wagtail.admin import messages
from wagtail.admin.templatetags.wagtailadmin_tags import user_display_name
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.models import TaskState, WorkflowState


def confirm_decision(request, page, action):
    """Tell the reviewer what approving or requesting changes did to the page."""
    title = page.get_admin_display_title()
    if action == "approve":
        page.refresh_from_db(fields=["live", "has_unpublished_changes"])
        done = "已发布" if page.live and not page.has_unpublished_changes else "已转入下一审核步骤"
        messages.success(request, f"已通过审核：《{title}》{done}。")
    elif action == "reject":
        messages.success(
            request, f"已退回《{title}》要求修改；提交人会在编辑页面和邮件中看到你的意见。"
        )


class ReviewActionView(WorkflowActionView):
    """Wagtail's workflow action (the dashboard's 批准 / 要求修改), followed by a message
    saying what happened, shown on the page it returns to."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        status = TaskState.objects.filter(pk=self.task_state.pk).values_list("status", flat=True)
        decided = {TaskState.STATUS_APPROVED: "approve", TaskState.STATUS_REJECTED: "reject"}
        action = decided.get(status.first())
        if action:
            confirm_decision(request, self.object.specific_deferred, action)
        return response


def changes_requested(page):
    """The returned review of a page that awaits its author's changes: (reviewer, when,
    comment), or None."""
    state = (
        WorkflowState.objects.for_instance(page)
        .filter(status=WorkflowState.STATUS_NEEDS_CHANGES)
        .select_related("current_task_state__finished_by")
        .first()
    )
    task_state = state.current_task_state if state else None
    if task_state is None or task_state.status != TaskState.STATUS_REJECTED:
        return None
    return task_state.finished_by, task_state.finished_at, task_state.specific.get_comment()


def changes_requested_message(page):
    """What the editor shows above a returned page: who asked, when, and what they said."""
    returned = changes_requested(page)
    if returned is None:
        return None
    reviewer, when, comment = returned
    who = user_display_name(reviewer) if reviewer else "审核员"
    if comment:
        return format_html(
            "{} 要求修改（{}）：“{}” 修改后请再次提交审核。",
            who,
            timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "",
            comment,
        )
    return format_html("{} 要求修改，未留意见。修改后请再次提交审核。", who)
