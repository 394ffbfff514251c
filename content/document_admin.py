"""The admin's document list with a column saying whether each file's text could be read
(无法提取：…, 等待提取), so that an editor sees why a document is not found by its content.
Served at Wagtail's own addresses: content's admin URLs come before wagtail.documents'."""

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.documents.views.documents import IndexView

from content import extraction


def text_state(document):
    if document.text_status in extraction.FAILURES or document.text_status == extraction.PENDING:
        return document.get_text_status_display()
    return ""


class DocumentIndexView(IndexView):
    @cached_property
    def columns(self):
        columns = list(super().columns)
        columns.insert(3, Column("text_status", label=_("文字提取"), accessor=text_state))
        return columns


urlpatterns = [
    path("documents/", DocumentIndexView.as_view(), name="portal_documents_index"),
    path(
        "documents/results/",
        DocumentIndexView.as_view(results_only=True),
        name="portal_documents_index_results",
    ),
]
