from wagtail import hooks
from wagtail.snippets.models import register_snippet

from content.action_menu import show_submit_beside_save_draft
from content.viewsets import ReferenceDataGroup

register_snippet(ReferenceDataGroup)
hooks.register("construct_page_action_menu", show_submit_beside_save_draft)
