"""What is new in what a user follows: live pages first published after a moment, filed
under a followed workshop, of a followed subject, or by a followed person (author,
teacher, speaker), in one query."""

from django.db.models import Q

from wagtail.models import Page

from content.models import ForumSessionPage, LessonStudyPage, RecordingPage, ResourcePage
from personal.reading import readable_pages

LIMIT = 30


def _about(follow):
    if follow.workshop_id:
        workshop = follow.workshop
        return Q(path__startswith=workshop.path) & ~Q(pk=workshop.pk)
    if follow.subject_id:
        subject = follow.subject_id
        return (
            Q(pk__in=ResourcePage.objects.filter(subject=subject).values("pk"))
            | Q(pk__in=RecordingPage.objects.filter(subject=subject).values("pk"))
            | Q(pk__in=LessonStudyPage.objects.filter(subject=subject).values("pk"))
        )
    person = follow.person_id
    return (
        Q(pk__in=ResourcePage.objects.filter(authors=person).values("pk"))
        | Q(pk__in=RecordingPage.objects.filter(teacher=person).values("pk"))
        | Q(pk__in=ForumSessionPage.objects.filter(speakers=person).values("pk"))
    )


def readable_follows(follows, hidden):
    """Follows whose workshop the user may still read (subjects and people are public)."""
    return [
        follow
        for follow in follows
        if not follow.workshop_id
        or (
            follow.workshop.live
            and not any(follow.workshop.path.startswith(path) for path in hidden)
        )
    ]


def new_pages(follows, since, hidden, limit=LIMIT):
    """Pages new in `follows` (with their workshops read) since `since`; before any known
    moment, since each follow began. `hidden`: the paths the user may not read."""
    wanted = Q()
    for follow in follows:
        after = since or follow.followed_at
        wanted |= _about(follow) & Q(first_published_at__gt=after)
    if not wanted:
        return []
    pages = readable_pages(Page.objects.filter(wanted), hidden)
    return list(pages.order_by("-first_published_at", "-pk")[:limit])
