"""A portal at the size the issue names, for the load benchmark: the demo site, then 50,000
resources (bulk import, as `import_resources` does it), 2,000 recordings, 500 news and 5,000
activities with realistic Chinese text, all live, public and indexed for search.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings python bench/build_site.py [--resources N]

Recordings, news and activities are written in bulk like the importer writes resources (page
rows, then their own table), without revisions: the benchmark reads published pages only.
"""

import argparse
import datetime
import os
import random
import sys
import time
import uuid
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
# A script: Django is set up before the portal's models can be imported.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from modelsearch.backends import get_search_backends  # noqa: E402

from corpus import ACTIVITIES, SCHOOLS, SENTENCES, SUBJECT_TOPICS, TAGS  # noqa: E402
from generate_resources import rows_file  # noqa: E402

from content.bulk import ChildPages  # noqa: E402
from content.models import (  # noqa: E402
    ActivityIndexPage,
    ActivityPage,
    Grade,
    NewsIndexPage,
    NewsPage,
    Person,
    RecordingIndexPage,
    RecordingPage,
    School,
    Subject,
)
from content.models.events import ActivityType  # noqa: E402
from content.models.news import NewsCategory  # noqa: E402
from content.models.recordings import RecordingKind  # noqa: E402
from portal.setup.demo import DemoLoader  # noqa: E402
from search.backends.indexing import rows_for  # noqa: E402

BATCH = 500
LOCATIONS = [
    "罗山中学报告厅",
    "职业技术学校实训楼",
    "红寺堡中学录播教室",
    "线上（腾讯会议）",
    "教师发展中心",
]
NEWS_HEADLINES = [
    "{school}开展{activity}活动",
    "福建帮扶团队走进{school}指导{subject}教学",
    "{subject}名师工作室举办{activity}",
    "“组团式”帮扶：{school}{subject}组{activity}纪实",
    "{school}召开{subject}教学质量分析会",
]


def paragraphs(rng, fill, n):
    return [
        {"type": "paragraph", "value": f"<p>{s.format(**fill)}</p>", "id": str(uuid.uuid4())}
        for s in rng.sample(SENTENCES, n)
    ]


def bulk_children(parent, model, items):
    """Live pages of `model` under `parent`, from dicts of the model's own fields (with the
    page's title and, optionally, its publication date)."""
    children = ChildPages(parent, model)
    now = timezone.now()
    created = []
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        pages = [
            children.new(
                f"{model._meta.model_name}-{start + n}",
                title=item.pop("title"),
                first_published_at=item.pop("published", now),
                last_published_at=now,
            )
            for n, item in enumerate(batch, start=1)
        ]
        created.extend(children.create(pages, batch))
    children.finish()
    return created


def index(model, objs):
    rows = rows_for(objs)
    for backend in get_search_backends(with_auto_update=True):
        backend.get_index_for_model(model).add_rows(model, rows)


def recordings(rng, count):
    schools = {s.name: s for s in School.objects.all()}
    subjects = {s.name: s for s in Subject.objects.all()}
    grades = list(Grade.objects.all())
    teachers = list(Person.objects.all())
    items = []
    for n in range(1, count + 1):
        subject = rng.choice([s for s in SUBJECT_TOPICS if s in subjects])
        topic = rng.choice(SUBJECT_TOPICS[subject])
        school = rng.choice([s for s in SCHOOLS if s in schools])
        kind = rng.choice(RecordingKind.values)
        fill = dict(
            type="课堂实录",
            topic=topic,
            grade="",
            subject=subject,
            school=school,
            activity=rng.choice(ACTIVITIES),
        )
        day = datetime.date(2023, 9, 1) + datetime.timedelta(days=rng.randrange(1150))
        items.append(
            {
                "title": f"{subject}{RecordingKind(kind).label}：{topic}（{n}）",
                "kind": kind,
                "teacher": rng.choice(teachers),
                "school": schools[school],
                "subject": subjects[subject],
                "grade": rng.choice(grades),
                "lesson_date": day,
                "topic": topic,
                "summary": "".join(s.format(**fill) for s in rng.sample(SENTENCES, 2)),
                "body": paragraphs(rng, fill, 3),
            }
        )
    objs = bulk_children(RecordingIndexPage.objects.get(), RecordingPage, items)
    index(RecordingPage, objs)
    return len(objs)


def news(rng, count):
    items = []
    for n in range(1, count + 1):
        subject = rng.choice(list(SUBJECT_TOPICS))
        fill = dict(
            type="资料",
            topic=rng.choice(SUBJECT_TOPICS[subject]),
            grade="",
            subject=subject,
            school=rng.choice(SCHOOLS),
            activity=rng.choice(ACTIVITIES),
        )
        day = datetime.date(2023, 9, 1) + datetime.timedelta(days=rng.randrange(1150))
        items.append(
            {
                "title": rng.choice(NEWS_HEADLINES).format(**fill) + f"（{n}）",
                "category": rng.choice(NewsCategory.values),
                "date": day,
                "introduction": "".join(s.format(**fill) for s in rng.sample(SENTENCES, 2)),
                "body": paragraphs(rng, fill, 5),
            }
        )
    objs = bulk_children(NewsIndexPage.objects.get(), NewsPage, items)
    for obj in objs:
        obj.tagged_items = []
    index(NewsPage, objs)
    return len(objs)


def activities(rng, count):
    schools = list(School.objects.all())
    subjects = list(Subject.objects.all())
    tz = timezone.get_current_timezone()
    items = []
    for n in range(1, count + 1):
        subject = rng.choice(subjects)
        kind = rng.choice(ActivityType.values)
        start = datetime.datetime(2023, 9, 1, 8, tzinfo=tz) + datetime.timedelta(
            days=rng.randrange(1300), hours=rng.randrange(9)
        )
        fill = dict(
            type="活动",
            topic=subject.name,
            grade="",
            subject=subject.name,
            school=rng.choice(SCHOOLS),
            activity=rng.choice(ACTIVITIES),
        )
        items.append(
            {
                "title": f"{ActivityType(kind).label}：{subject.name}{rng.choice(TAGS)}（{n}）",
                "activity_type": kind,
                "start": start,
                "end": start + datetime.timedelta(hours=rng.choice([1, 2, 3])),
                "location": rng.choice(LOCATIONS),
                "school": rng.choice(schools),
                "subject": subject,
                "organiser": "“组团式”教育帮扶团队",
                "participants": rng.randrange(10, 120),
                "summary": "".join(s.format(**fill) for s in rng.sample(SENTENCES, 2)),
                "body": paragraphs(rng, fill, 2),
            }
        )
    objs = bulk_children(ActivityIndexPage.objects.get(), ActivityPage, items)
    index(ActivityPage, objs)
    return len(objs)


def build(resources=50_000, recordings_n=2_000, news_n=500, activities_n=5_000):
    figures = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    DemoLoader(library=False).run()
    figures["demo_s"] = time.perf_counter() - started

    path = rows_file(resources)
    started = time.perf_counter()
    call_command("import_resources", str(path), stdout=open(os.devnull, "w"))
    figures["resources_s"] = time.perf_counter() - started

    rng = random.Random(2026)
    for name, make, count in (
        ("recordings", recordings, recordings_n),
        ("news", news, news_n),
        ("activities", activities, activities_n),
    ):
        started = time.perf_counter()
        with transaction.atomic():
            make(rng, count)
        figures[f"{name}_s"] = time.perf_counter() - started
    # The pages above are written in bulk, without signals: the 成效 figures counted once.
    call_command("refresh_progress")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=50_000)
    args = parser.parse_args()
    figures = build(args.resources)
    print(", ".join(f"{k} {v:.1f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
