from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from caching.shared import reference_list
from content.models import Person, Subject, WorkshopPage
from content.params import integer
from personal.followed import new_pages, readable_follows
from personal.models import SAVABLE, Download, Follow, SavedPage, Visitor
from personal.reading import (
    hidden_paths,
    hidden_q,
    readable_document_q,
    readable_page,
    readable_pages,
)
from personal.tokens import user_id_of

# Requests to /me/ less than this apart are one visit: reloading keeps showing what was new.
VISIT_GAP = timedelta(minutes=30)
SHOWN = 50  # saved pages and downloads listed


def bad_request(request, message):
    return render(request, "personal/error.html", {"message": message}, status=400)


def _answer(request, state):
    """JSON for our script (static/js/personal.js); otherwise back where the form was."""
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse(state)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "personal:me"
    return redirect(target)


def _visit(user):
    """Moves the user's visit on, and returns the moment what is new is counted from."""
    visitor, _ = Visitor.objects.get_or_create(user=user)
    now = timezone.now()
    fields = ["last_seen"]
    if visitor.last_seen is None or now - visitor.last_seen > VISIT_GAP:
        visitor.previous_visit = visitor.last_seen
        fields.append("previous_visit")
    visitor.last_seen = now
    Visitor.objects.filter(pk=visitor.pk).update(
        **{name: getattr(visitor, name) for name in fields}
    )
    return visitor


def _with_types(pages):
    for page in pages:
        page.type_name = ContentType.objects.get_for_id(page.content_type_id).name
    return pages


@never_cache
@login_required
def me(request):
    user = request.user
    visitor = _visit(user)
    hidden = hidden_paths(user)
    saved = SavedPage.objects.filter(user=user, page__live=True).select_related("page")
    if hidden:
        saved = saved.exclude(hidden_q(hidden, "page__"))
    saved = list(saved[:SHOWN])
    _with_types([item.page for item in saved])

    downloads = list(
        Download.objects.filter(user=user)
        .filter(readable_document_q(hidden))
        .select_related("document", "page")[:SHOWN]
    )
    for item in downloads:
        page = item.page
        if page is not None and (not page.live or any(page.path.startswith(p) for p in hidden)):
            item.page = None  # the file is still theirs to read; that page no longer

    follows = Follow.objects.filter(user=user).select_related("workshop", "subject", "person")
    # A workshop made private to others is no longer listed (nor what is filed there).
    follows = readable_follows(follows, hidden)
    new = _with_types(new_pages(follows, visitor.previous_visit, hidden))
    followed_subjects = {f.subject_id for f in follows if f.subject_id}
    return render(
        request,
        "personal/me.html",
        {
            "saved": saved,
            "downloads": downloads,
            "follows": follows,
            "new_pages": new,
            "since": visitor.previous_visit,
            "visitor": visitor,
            "subjects": [s for s in reference_list(Subject) if s.pk not in followed_subjects],
        },
    )


def _wanted(request):
    """'on' or 'off' from the form's `action`, else None."""
    action = request.POST.get("action", "")
    return {"save": True, "follow": True, "unsave": False, "unfollow": False}.get(action)


@require_POST
@login_required
def save(request):
    page_id = integer(request.POST.get("page", ""))
    wanted = _wanted(request)
    if page_id is None or wanted is None:
        return bad_request(request, "收藏请求有误：缺少页面编号或操作。")
    user = request.user
    if not wanted:
        SavedPage.objects.filter(user=user, page_id=page_id).delete()
        return _answer(request, {"saved": False})
    page = readable_page(page_id, user)
    if page is None:
        raise Http404("页面不存在或无权查看。")
    content_type = ContentType.objects.get_for_id(page.content_type_id)
    if f"{content_type.app_label}.{content_type.model}" not in SAVABLE:
        return bad_request(request, "这类页面不能收藏：可收藏资源、课例、同课异构、论坛和新闻。")
    try:
        with transaction.atomic():
            SavedPage.objects.get_or_create(user=user, page=page)
    except IntegrityError:
        pass  # saved twice at once: it is saved
    return _answer(request, {"saved": True})


def _target(kind, pk, user):
    if kind == "workshop":
        return readable_pages(WorkshopPage.objects.filter(pk=pk), hidden_paths(user)).first()
    if kind == "subject":
        return Subject.objects.filter(pk=pk).first()
    return Person.objects.filter(pk=pk, live=True).first()


@require_POST
@login_required
def follow(request):
    kind = request.POST.get("kind", "")
    pk = integer(request.POST.get("id", ""))
    wanted = _wanted(request)
    if kind not in Follow.KINDS or pk is None or wanted is None:
        return bad_request(request, "关注请求有误：须指明关注的工作室、学科或人员。")
    user = request.user
    if not wanted:
        Follow.objects.filter(user=user, **{f"{kind}_id": pk}).delete()
        return _answer(request, {"following": False})
    if _target(kind, pk, user) is None:
        raise Http404("要关注的对象不存在或无权查看。")
    try:
        with transaction.atomic():
            Follow.objects.get_or_create(user=user, **{f"{kind}_id": pk})
    except IntegrityError:
        pass
    return _answer(request, {"following": True})


@require_POST
@login_required
def digest(request):
    wanted = request.POST.get("digest") == "on"
    visitor, _ = Visitor.objects.get_or_create(user=request.user)
    visitor.digest = wanted
    visitor.save(update_fields=["digest"])
    return _answer(request, {"digest": wanted})


# The token is the authority, not a session: a mail client's one-click POST (RFC 8058) has
# no CSRF cookie, and a forged request could only do what the token's owner asked for.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user_id = user_id_of(token)
    except signing.BadSignature:
        return bad_request(request, "退订链接无效：链接不完整或已被改动，请从邮件中完整复制。")
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return bad_request(request, "退订链接无效：账号已不存在。")
    if request.method == "POST":
        Visitor.objects.filter(user=user).update(digest=False)
    return render(
        request,
        "personal/unsubscribe.html",
        {"done": request.method == "POST", "token": token},
    )
