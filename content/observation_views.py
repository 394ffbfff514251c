"""The 课堂观察 forms' targets: plain POSTs that redirect back to the recording, or, when
static/js/observations.js sends them, answer with the panel redrawn (so the video keeps
playing). Nothing here is cached: the page cache serves GETs without a session only."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_POST

from content.models import ObservationNote, ObservationSummary, RecordingPage
from content.models.observations import lead_user_ids
from content.observations import NoteForm, SummaryForm, may_remove, panel_context

PANEL = "content/observations/panel.html"
PAGE = "content/observations/form_page.html"


def _readable(request, page):
    if not page.is_readable_by(request):
        raise Http404
    return page


def _recording(request, page_id):
    return _readable(request, get_object_or_404(RecordingPage.objects.live(), pk=page_id))


def _from_script(request):
    return request.headers.get("X-Requested-With") == "fetch"


def _answer(request, page, status=200, **forms):
    """The panel for the script; for a plain form, back to the page when all went well, or
    a page of its own showing the errors with what was typed."""
    if _from_script(request):
        return TemplateResponse(
            request, PANEL, panel_context(request, page, **forms), status=status
        )
    if status == 200:
        return redirect(f"{page.get_url(request)}#observations")
    return TemplateResponse(request, PAGE, panel_context(request, page, **forms), status=status)


def _login_first(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.META.get("HTTP_REFERER") or "/")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return require_POST(wrapped)


@_login_first
def add_note(request, page_id):
    page = _recording(request, page_id)
    form = NoteForm(request.POST, duration=page.video_seconds)
    if not form.is_valid():
        return _answer(request, page, status=400, note_form=form)
    ObservationNote.objects.create(
        recording=page,
        author=request.user,
        seconds=form.cleaned_data["time"],
        dimension=form.cleaned_data["dimension"],
        text=form.cleaned_data["text"],
    )
    return _answer(request, page)


@_login_first
def remove_note(request, note_id):
    note = get_object_or_404(ObservationNote.objects.select_related("recording"), pk=note_id)
    page = note.recording
    if not page.live:
        raise Http404
    _readable(request, page)
    if not may_remove(request.user, note, lead_user_ids(page)):
        raise PermissionDenied("只有记录人和工作室主持人可以删除这条观察记录。")
    note.delete()
    return _answer(request, page)


@_login_first
def write_summary(request, page_id):
    page = _recording(request, page_id)
    if request.user.pk not in lead_user_ids(page):
        raise PermissionDenied("评课意见由本课所属工作室的主持人撰写。")
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return _answer(request, page, status=400, summary_form=form)
    text = form.cleaned_data["text"].strip()
    if text:
        ObservationSummary.objects.update_or_create(
            recording=page, defaults={"text": text, "author": request.user}
        )
    else:
        ObservationSummary.objects.filter(recording=page).delete()
    return _answer(request, page)


urlpatterns = [
    path("recordings/<int:page_id>/notes/", add_note, name="observation_add"),
    path("notes/<int:note_id>/remove/", remove_note, name="observation_remove"),
    path("recordings/<int:page_id>/summary/", write_summary, name="observation_summary"),
]
