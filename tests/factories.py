"""Building blocks for tests: real pages, published through Wagtail as an editor would."""

import datetime

from content.demo.media import docx_file
from content.models import (
    Grade,
    Level,
    Person,
    PortalDocument,
    RecordingIndexPage,
    RecordingPage,
    ResourceDocument,
    ResourceIndexPage,
    ResourcePage,
    ResourceType,
    School,
    Stage,
    Subject,
)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_document(title="教学设计"):
    document = PortalDocument(title=title, file=docx_file("doc", title, ["测试文档内容"]))
    document.save()
    return document


def make_resource(title, subject="shuxue", grade="gaoyi", school="luoshan", rtype="jiaoan", **kw):
    documents = kw.pop("documents", [])
    page = ResourcePage(
        title=title,
        resource_type=ResourceType.objects.get(slug=rtype),
        stage=Stage.objects.get(slug=kw.pop("stage", "gaozhong")),
        subject=Subject.objects.get(slug=subject),
        grade=Grade.objects.get(slug=grade) if grade else None,
        school=School.objects.get(slug=school),
        level=Level.objects.get(slug=kw.pop("level")) if kw.get("level") else None,
        summary=kw.pop("summary", f"{title}的简介"),
        documents=[ResourceDocument(document=d) for d in documents],
        **kw,
    )
    return publish(ResourceIndexPage.objects.get(), page)


def make_recording(title, kind="open", teacher="马文静", subject="shuxue", grade="gaoyi", **kw):
    level = kw.pop("level", None)
    page = RecordingPage(
        title=title,
        kind=kind,
        level=Level.objects.get(slug=level) if level else None,
        teacher=Person.objects.get(name=teacher),
        school=School.objects.get(slug=kw.pop("school", "luoshan")),
        subject=Subject.objects.get(slug=subject),
        grade=Grade.objects.get(slug=grade) if grade else None,
        lesson_date=kw.pop("lesson_date", datetime.date(2024, 3, 1)),
        topic=kw.pop("topic", title),
        summary=kw.pop("summary", f"{title}的简介"),
        **kw,
    )
    return publish(RecordingIndexPage.objects.get(), page)


def make_user(username, *perms, person=None, **fields):
    """A user with the given permissions ("app.codename"), who can log in to the admin when
    any are given; linked to a Person when named."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username, password="pw", **fields)
    if perms:
        perms = ("wagtailadmin.access_admin", *perms)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    if person is not None:
        person = Person.objects.get(name=person) if isinstance(person, str) else person
        person.user = user
        person.save(update_fields=["user"])
    return user
