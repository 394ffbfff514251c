from wagtail import hooks
from wagtail.snippets.models import register_snippet

from content.action_menu import show_submit_beside_save_draft
from content.video_admin import VideoProcessingViewSet
from content.viewsets import ReferenceDataGroup

register_snippet(ReferenceDataGroup)
hooks.register("construct_page_action_menu", show_submit_beside_save_draft)


@hooks.register("register_admin_viewset")
def register_video_processing():
    return VideoProcessingViewSet("video_processing")
