from wagtail import hooks
from wagtail.admin import messages
from wagtail.snippets.models import register_snippet

from content import document_admin
from content.action_menu import show_submit_beside_save_draft
from content.observation_admin import ObservationDimensionViewSet
from content.review import changes_requested_message, confirm_decision
from content.video_admin import VideoProcessingViewSet
from content.viewsets import ReferenceDataGroup

register_snippet(ReferenceDataGroup)
register_snippet(ObservationDimensionViewSet)
hooks.register("construct_page_action_menu", show_submit_beside_save_draft)


@hooks.register("register_admin_viewset")
def register_video_processing():
    return VideoProcessingViewSet("video_processing")


@hooks.register("before_edit_page")
def show_requested_changes(request, page):
    """A page returned by its reviewer opens with who asked for which changes."""
    if request.method == "GET":
        message = changes_requested_message(page)
        if message:
            messages.warning(request, message)


@hooks.register("after_edit_page")
def confirm_review_in_editor(request, page):
    """Approving or requesting changes from the editor's action menu, confirmed like the
    dashboard's (Wagtail only says the page was saved)."""
    if request.POST.get("action-workflow-action"):
        confirm_decision(request, page, request.POST.get("workflow-action-name"))


@hooks.register("register_admin_urls")
def register_document_list():
    return document_admin.urlpatterns
