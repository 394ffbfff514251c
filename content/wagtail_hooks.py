from wagtail import hooks
from wagtail.snippets.models import register_snippet

from content import document_admin
from content.viewsets import ReferenceDataGroup

register_snippet(ReferenceDataGroup)


@hooks.register("register_admin_urls")
def register_document_list():
    return document_admin.urlpatterns
