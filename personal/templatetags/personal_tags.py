"""The 收藏 and 关注 buttons of a page, rendered by the base template (portal) so that
content's templates need not know this app.

Anonymous visitors get the same links for everyone ("登录后收藏"), which the page cache may
keep; what a logged-in user has saved is rendered only for them (their pages are never
cached: caching.middleware)."""

from django import template

from content.models import WorkshopPage
from personal.models import SAVABLE, Follow, SavedPage

register = template.Library()

# The people a page is by, per page type: whom a reader may follow from it.
PEOPLE = {"resourcepage": "authors", "forumsessionpage": "speakers"}


def _people(page):
    model = page._meta.model_name
    if model in PEOPLE:
        return [p for p in getattr(page, PEOPLE[model]).all() if p.live]
    if model == "recordingpage" and page.teacher_id and page.teacher.live:
        return [page.teacher]
    return []


@register.inclusion_tag("personal/actions.html", takes_context=True)
def personal_actions(context, page):
    request = context.get("request")
    label = page._meta.label_lower
    savable = label in SAVABLE
    workshop = isinstance(page, WorkshopPage)
    shown = {"page": page, "request": request, "savable": savable, "workshop": workshop}
    if not (savable or workshop):
        return {"nothing": True}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return shown

    targets = []
    if workshop:
        targets.append(("workshop", page, page.title))
    if savable and getattr(page, "subject_id", None):
        targets.append(("subject", page.subject, f"学科·{page.subject.name}"))
    if savable:
        targets += [("person", person, person.name) for person in _people(page)]
    followed = set()
    if targets:  # one query for every button
        for row in Follow.objects.filter(user=user).values_list(*(f"{k}_id" for k in Follow.KINDS)):
            followed.update((kind, pk) for kind, pk in zip(Follow.KINDS, row, strict=True) if pk)
    shown.update(
        logged_in=True,
        saved=savable and SavedPage.objects.filter(user=user, page_id=page.pk).exists(),
        follows=[
            {"kind": kind, "id": obj.pk, "name": name, "on": (kind, obj.pk) in followed}
            for kind, obj, name in targets
        ],
    )
    return shown


@register.inclusion_tag("personal/actions.html", takes_context=True)
def person_actions(context, person):
    """关注 on a person's own page (成长档案)."""
    request = context.get("request")
    shown = {"request": request, "savable": False}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return shown
    on = Follow.objects.filter(user=user, person=person).exists()
    shown.update(
        logged_in=True,
        follows=[{"kind": "person", "id": person.pk, "name": person.name, "on": on}],
    )
    return shown
