"""The page editor's footer for those who submit for review: 提交审核 in view beside 保存草稿.

Wagtail shows the first action (保存草稿) as the button and folds the rest behind its ▲,
so a member who may not publish had to find the one action that matters to them, the
submit, inside that menu. The construct_page_action_menu hook (wagtail_hooks.py) puts
the two side by side instead.
"""

from django.utils.functional import cached_property
from django.utils.html import format_html

from wagtail.admin.action_menu import (
    ActionMenuItem,
    PublishMenuItem,
    SaveDraftMenuItem,
    SubmitForModerationMenuItem,
)


class SubmitBesideSaveDraft(ActionMenuItem):
    """The submit button, then the save-draft button, as the footer's main button."""

    def __init__(self, save_draft, submit):
        super().__init__(order=save_draft.order)
        self.save_draft = save_draft
        self.submit = submit

    def is_shown(self, context):
        return True

    def render_html(self, parent_context=None):
        return format_html(
            "{}{}",
            self.submit.render_html(parent_context),
            self.save_draft.render_html(parent_context),
        )

    @cached_property
    def media(self):
        return self.submit.media + self.save_draft.media


def show_submit_beside_save_draft(menu_items, request, context):
    """For an editor who submits rather than publishes: the submit is not folded away."""
    if not menu_items or not isinstance(menu_items[0], SaveDraftMenuItem):
        return
    if any(isinstance(item, PublishMenuItem) for item in menu_items):
        return  # who may publish chooses among save, publish and submit in the menu as before
    submit = next((i for i in menu_items if isinstance(i, SubmitForModerationMenuItem)), None)
    if submit is not None:
        menu_items.remove(submit)
        menu_items[0] = SubmitBesideSaveDraft(menu_items[0], submit)
