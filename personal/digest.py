"""The weekly e-mail of what is new in what a user follows (opt-in on /me/).

`manage.py send_digests` (run weekly by a timer) enqueues one job per subscriber; each job
reads only what that user may still read and says nothing when nothing is new."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from django_tasks import task

from personal.followed import new_pages, readable_follows
from personal.models import Follow, Visitor
from personal.reading import hidden_paths
from personal.tokens import unsubscribe_token

WEEK = timedelta(days=7)


def subscribers():
    return Visitor.objects.filter(digest=True, user__is_active=True).exclude(user__email="")


@task()
def send_digest(user_id):
    visitor = subscribers().select_related("user").filter(user_id=user_id).first()
    if visitor is None:
        return 0  # unsubscribed or without an address since it was queued
    user = visitor.user
    now = timezone.now()
    since = max(visitor.digest_sent_at or now - WEEK, now - WEEK)
    follows = Follow.objects.filter(user=user).select_related("workshop")
    hidden = hidden_paths(user)
    follows = readable_follows(follows, hidden)
    pages = new_pages(follows, since, hidden) if follows else []
    Visitor.objects.filter(pk=visitor.pk).update(digest_sent_at=now)
    if not pages:
        return 0
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    unsubscribe = base + reverse("personal:unsubscribe", args=[unsubscribe_token(user)])
    body = render_to_string(
        "personal/digest.txt",
        {"user": user, "pages": pages, "base": base, "unsubscribe": unsubscribe},
    )
    message = EmailMessage(
        subject=f"红寺堡教育帮扶门户：本周关注的新内容（{len(pages)} 条）",
        body=body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()
    return len(pages)
