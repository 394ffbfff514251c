"""Builds the demo portal from the plan. Every step creates only what is missing, so running
the loader again changes nothing, and never overwrites what an editor has since changed."""

import datetime
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import Page, Site

from wagtailmedia.models import get_media_model

from content import models as content_models
from content.demo import library, programme, reference, site_pages
from content.demo.media import docx_file, poster_file
from content.groups import TEACHERS
from content.models import (
    ActivityIndexPage,
    ActivityPage,
    AgendaItem,
    Apprenticeship,
    ForumDocument,
    ForumIndexPage,
    ForumRecording,
    ForumSessionPage,
    Grade,
    LessonStudyPage,
    LessonStudyRecording,
    Level,
    NewsIndexPage,
    NewsPage,
    Person,
    PortalDocument,
    RecordingDocument,
    RecordingIndexPage,
    RecordingPage,
    ResourceDocument,
    ResourceIndexPage,
    ResourcePage,
    ResourceType,
    ResponsibleUnit,
    School,
    Stage,
    StandardPage,
    Subject,
    TextbookEdition,
    WorkshopIndexPage,
    WorkshopPage,
)
from content.video_processing import available as ffmpeg_available
from content.video_processing import generate_clip, process
from home.models import HomePage, KeyFigure
from portal.models import PortalSettings
from portal.setup.indexing import indexed_once
from portal.setup.roles import RoleSetup
from tracking import demo as tracking_demo
from tracking import kept


class DemoLoader:
    def __init__(self, demo_accounts=False, library=True):
        self.demo_accounts = demo_accounts
        self.library = library  # resources and recordings; tests of the skeleton skip them
        self.created = {}

    def _count(self, label, created):
        if created:
            self.created[label] = self.created.get(label, 0) + 1

    @transaction.atomic
    def run(self):
        # The 成效 figures are computed once at the end, not again for every record and page;
        # so are each object's search index entry and reference index rows (a page is saved
        # three times: created, revision, published). Indexed here, not queued: the worker
        # takes its jobs in order, and the documents' previews queued before the index's
        # tasks left a new portal's search finding nothing for its first minute.
        with kept.deferred(), indexed_once(now=True):
            return self._run()

    def _run(self):
        self.load_reference_data()
        self.load_people()
        home = self.load_page_tree()
        self.load_site(home)
        if self.library:
            self.load_workshops()
            self.load_resources()
            self.load_recordings()
            self.load_lesson_study()
            self.load_forums()
            self.load_news()
            self.load_activities()
        tracking_demo.load(self, home)  # targets, measures, cadence rules, outputs, 成效 page
        self.load_roles()
        if self.demo_accounts:
            self.load_accounts()
        return self.created

    def load_roles(self):
        for change in RoleSetup().run():
            self._count(change.split(" ")[0], True)

    def refresh_roles(self):
        """Groups made or corrected without counting; for data builders that need a group
        before the loader's own role step (they cannot import the set-up, which is above
        them)."""
        RoleSetup().run()

    # Reference data -----------------------------------------------------------------

    def _ensure(self, model, slug, **defaults):
        obj, created = model.objects.get_or_create(slug=slug, defaults=defaults)
        self._count(model._meta.verbose_name, created)
        return obj

    def load_reference_data(self):
        for order, school in enumerate(reference.SCHOOLS):
            fields = {k: v for k, v in school.items() if k != "slug"}
            self._ensure(School, school["slug"], sort_order=order, **fields)

        schools = {s.slug: s for s in School.objects.all()}
        for order, (slug, name, short, kind, school) in enumerate(reference.RESPONSIBLE_UNITS):
            self._ensure(
                ResponsibleUnit,
                slug,
                name=name,
                short_name=short,
                kind=kind,
                school=schools.get(school),
                sort_order=order,
            )

        for order, (slug, name) in enumerate(reference.STAGES):
            self._ensure(Stage, slug, name=name, sort_order=order)
        stages = {s.slug: s for s in Stage.objects.all()}

        for order, (slug, name, kind, stage_slugs) in enumerate(reference.SUBJECTS):
            exists = Subject.objects.filter(slug=slug).exists()
            subject = self._ensure(Subject, slug, name=name, kind=kind, sort_order=order)
            if not exists:
                subject.stages.set([stages[s] for s in stage_slugs])

        for order, (slug, name, stage) in enumerate(reference.GRADES):
            self._ensure(Grade, slug, name=name, stage=stages[stage], sort_order=order)

        for order, (slug, name, publisher) in enumerate(reference.TEXTBOOK_EDITIONS):
            self._ensure(TextbookEdition, slug, name=name, publisher=publisher, sort_order=order)

        for order, (slug, name, description) in enumerate(reference.RESOURCE_TYPES):
            self._ensure(ResourceType, slug, name=name, description=description, sort_order=order)

        for order, (slug, name, description) in enumerate(reference.LEVELS):
            self._ensure(Level, slug, name=name, description=description, sort_order=order)

    def load_people(self):
        schools = {s.slug: s for s in School.objects.all()}
        subjects = {s.slug: s for s in Subject.objects.all()}
        for name, kind, school, unit, position, subject_slugs, bio in reference.PEOPLE:
            school_obj = schools.get(school)
            if Person.objects.filter(name=name, kind=kind, school=school_obj).exists():
                continue
            person = Person(
                name=name,
                kind=kind,
                school=school_obj,
                sending_unit=unit,
                position=position,
                biography=f"{bio}（演示数据）",
            )
            person.full_clean()
            person.save()
            person.subjects.set([subjects[s] for s in subject_slugs])
            person.save_revision(log_action=True).publish()
            self._count(Person._meta.verbose_name, True)

    # Pages --------------------------------------------------------------------------

    def _publish_child(self, parent, page):
        parent.add_child(instance=page)
        page.save_revision(log_action=True).publish()
        self._count(page._meta.verbose_name, True)
        return page

    def load_page_tree(self):
        home = HomePage.objects.first()
        if home is None:
            home = self._create_home()
        home = home.specific

        for model_name, slug, title, summary, intro in site_pages.SECTIONS:
            model = getattr(content_models, model_name)
            if model.objects.exists():
                continue
            self._publish_child(
                home,
                model(
                    title=title,
                    slug=slug,
                    listing_summary=summary,
                    introduction=intro,
                    show_in_menus=True,
                ),
            )

        about = site_pages.ABOUT
        if not home.get_children().filter(slug=about["slug"]).exists():
            self._publish_child(home, StandardPage(show_in_menus=True, **about))
        return home

    def _create_home(self):
        root = Page.get_first_root_node()
        data = dict(site_pages.HOME)
        figures = data.pop("key_figures")
        # Wagtail's migrations leave a plain "Welcome to your new Wagtail site!" page where
        # the home page belongs; it is replaced, never anything an editor has built.
        for welcome in root.get_children().filter(slug=data["slug"]):
            if welcome.specific_class is Page and welcome.is_leaf():
                welcome.delete()
        home = HomePage(
            **data,
            key_figures=[
                KeyFigure(value=value, unit=unit, label=label, sort_order=order)
                for order, (value, unit, label) in enumerate(figures)
            ],
        )
        return self._publish_child(root, home)

    def load_site(self, home):
        # Full URLs (sitemap, share cards) come from the Site record: give the demo the
        # address it is served at. A record someone has set up is left as it is.
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        address = {"hostname": base.hostname or "localhost", "port": base.port or 80}
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site.objects.create(
                **address, root_page=home, is_default_site=True, site_name=site_pages.SITE_NAME
            )
            self._count(Site._meta.verbose_name, True)
        elif site.root_page_id != home.pk or not site.site_name:
            if (site.hostname, site.port) == ("localhost", 80):  # Wagtail's initial record
                site.hostname, site.port = address["hostname"], address["port"]
            site.root_page = home
            site.site_name = site.site_name or site_pages.SITE_NAME
            site.save()
            self._count(Site._meta.verbose_name, True)
        _, created = PortalSettings.objects.get_or_create(
            site=site, defaults=site_pages.PORTAL_SETTINGS
        )
        self._count(PortalSettings._meta.verbose_name, created)

    # Resources and recordings -------------------------------------------------------

    def _lookups(self):
        return {
            model: {obj.slug: obj for obj in model.objects.all()}
            for model in (School, Stage, Subject, Grade, TextbookEdition, ResourceType, Level)
        }

    def _document(self, slug, title, paragraphs):
        document = PortalDocument(title=title, file=docx_file(slug, title, paragraphs))
        # Text we wrote ourselves: no job (and no sandboxed reader) needed to read it back.
        document.save_with_text("\n".join([title, *paragraphs]))
        return document

    def _backdate(self, page, day):
        when = timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T09:00:00"))
        type(page).objects.filter(pk=page.pk).update(
            first_published_at=when, last_published_at=when, latest_revision_created_at=when
        )

    def load_resources(self):
        index = ResourceIndexPage.objects.first()
        if index is None:
            return
        existing = set(ResourcePage.objects.values_list("slug", flat=True))
        lookup = self._lookups()
        people = {p.name: p for p in Person.objects.all()}
        for row in library.RESOURCES:
            if row.slug in existing:
                continue
            document = self._document(
                row.slug,
                row.title,
                [row.summary, f"章节/课题：{row.chapter or '（专题）'}", "（演示文档）"],
            )
            page = ResourcePage(
                title=row.title,
                slug=row.slug,
                resource_type=lookup[ResourceType][row.resource_type],
                stage=lookup[Stage][row.stage],
                subject=lookup[Subject][row.subject],
                grade=lookup[Grade].get(row.grade),
                textbook_edition=lookup[TextbookEdition].get(row.edition),
                chapter=row.chapter,
                school=lookup[School][row.school],
                level=lookup[Level].get(row.level),
                summary=row.summary,
                body=[("paragraph", f"<p>{row.summary}</p><p>本资源为演示数据。</p>")],
                documents=[ResourceDocument(document=document)],
            )
            page.authors = [people[name] for name in row.authors]
            page.tags.add(*row.tags)
            self._publish_child(index, page)
            self._backdate(page, row.published)

    def load_recordings(self):
        index = RecordingIndexPage.objects.first()
        if index is None:
            return
        existing = set(RecordingPage.objects.values_list("slug", flat=True))
        lookup = self._lookups()
        people = {p.name: p for p in Person.objects.all()}
        Image = get_image_model()
        for row in library.RECORDINGS:
            if row.slug in existing:
                continue
            teacher = people[row.teacher]
            poster = Image(
                title=f"{row.title} 封面",
                file=poster_file(
                    row.slug,
                    row.topic,
                    f"{row.teacher} · {lookup[School][row.school].display_name}",
                    row.poster_colour,
                ),
            )
            poster.save()
            documents = [
                RecordingDocument(
                    role=role,
                    document=self._document(
                        f"{row.slug}-{role}",
                        f"{row.topic} {label}",
                        [row.summary, f"授课教师：{row.teacher}"],
                    ),
                )
                for role, label in (("design", "教学设计"), ("reflection", "教学反思"))
            ]
            page = RecordingPage(
                title=row.title,
                slug=row.slug,
                kind=row.kind,
                level=lookup[Level].get(row.level),
                teacher=teacher,
                school=lookup[School][row.school],
                subject=lookup[Subject][row.subject],
                grade=lookup[Grade].get(row.grade),
                lesson_date=datetime.date.fromisoformat(row.lesson_date),
                topic=row.topic,
                poster=poster,
                summary=row.summary,
                documents=documents,
                video=self._uploaded_video(row),
            )
            self._publish_child(index, page)
            self._backdate(page, row.lesson_date)
            if page.video:
                # Transcoded here, not left to the worker: the demo plays at once.
                process(page.video)

    def _uploaded_video(self, row):
        """The demo's one uploaded lesson video, generated by ffmpeg (a test pattern and a
        tone, a few seconds): only where ffmpeg is installed; the page has its poster
        either way."""
        if row.slug != library.UPLOADED_VIDEO or not ffmpeg_available():
            return None
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{row.slug}.mp4"
            if not generate_clip(str(path), seconds=6, size="640x360"):
                return None
            with path.open("rb") as handle:
                return get_media_model().objects.create(
                    title=f"{row.title}（课堂录像）",
                    type="video",
                    file=File(handle, name=path.name),
                )

    # Workshops, forums, news, activities ---------------------------------------------

    def _new_slugs(self, model, rows):
        existing = set(model.objects.values_list("slug", flat=True))
        return [row for row in rows if row.slug not in existing]

    def _people(self):
        return {p.name: p for p in Person.objects.all()}

    def load_workshops(self):
        index = WorkshopIndexPage.objects.first()
        if index is None:
            return
        schools, people = {s.slug: s for s in School.objects.all()}, self._people()
        for row in self._new_slugs(WorkshopPage, programme.WORKSHOPS):
            page = WorkshopPage(
                title=row.title,
                slug=row.slug,
                kind=row.kind,
                school=schools[row.school],
                lead=people[row.lead],
                founded=datetime.date.fromisoformat(row.founded),
                listing_summary=row.summary,
                introduction=f"<p>{row.introduction}</p>",
                goals=f"<p>{row.goals}</p>",
                apprenticeships=[
                    Apprenticeship(
                        mentor=people[mentor],
                        apprentice=people[apprentice],
                        start_date=datetime.date.fromisoformat(day),
                    )
                    for workshop, mentor, apprentice, day in programme.APPRENTICESHIPS
                    if workshop == row.slug
                ],
            )
            page.members = [people[name] for name in row.members]
            self._publish_child(index, page)
            self._backdate(page, row.founded)

    def load_lesson_study(self):
        data = programme.LESSON_STUDY
        index = RecordingIndexPage.objects.first()
        if index is None or LessonStudyPage.objects.filter(slug=data["slug"]).exists():
            return
        recordings = {r.slug: r for r in RecordingPage.objects.filter(slug__in=data["recordings"])}
        page = LessonStudyPage(
            title=data["title"],
            slug=data["slug"],
            topic=data["topic"],
            subject=Subject.objects.get(slug=data["subject"]),
            grade=Grade.objects.get(slug=data["grade"]),
            date=datetime.date.fromisoformat(data["date"]),
            introduction=data["introduction"],
            evaluation=[("paragraph", data["evaluation"])],
            lessons=[
                LessonStudyRecording(recording=recordings[slug])
                for slug in data["recordings"]
                if slug in recordings
            ],
        )
        self._publish_child(index, page)
        self._backdate(page, data["date"])

    def load_forums(self):
        index = ForumIndexPage.objects.first()
        if index is None:
            return
        people = self._people()
        talks = {r.slug: r for r in RecordingPage.objects.filter(kind="demonstration")}
        for row in self._new_slugs(ForumSessionPage, programme.FORUMS):
            page = ForumSessionPage(
                title=row.title,
                slug=row.slug,
                quarter=row.quarter,
                theme=row.theme,
                date=datetime.date.fromisoformat(row.date),
                place=row.place,
                summary=row.summary,
                agenda=[AgendaItem(time=t, item=item, speaker=who) for t, item, who in row.agenda],
                documents=[
                    ForumDocument(
                        document=self._document(
                            f"forum-{row.slug}",
                            f"{row.theme} 讲稿",
                            [row.summary, f"主讲：{'、'.join(row.speakers)}"],
                        )
                    )
                ],
                recordings=[ForumRecording(recording=talks["sfk-sanjiao-hanshu"])]
                if row.slug == "2024-q2" and "sfk-sanjiao-hanshu" in talks
                else [],
            )
            page.speakers = [people[name] for name in row.speakers]
            self._publish_child(index, page)
            self._backdate(page, row.date)

    def load_news(self):
        index = NewsIndexPage.objects.first()
        if index is None:
            return
        Image = get_image_model()
        colours = ["#0b4f8a", "#8c1d18", "#1b6e4b", "#5b3a8c", "#a35c00", "#2f5d62"]
        for order, row in enumerate(self._new_slugs(NewsPage, programme.NEWS)):
            cover = Image(
                title=f"{row.title} 配图",
                file=poster_file(
                    f"news-{row.slug}", row.title, row.date, colours[order % len(colours)]
                ),
            )
            cover.save()
            page = NewsPage(
                title=row.title,
                slug=row.slug,
                category=row.category,
                date=datetime.date.fromisoformat(row.date),
                introduction=row.introduction,
                cover_image=cover,
                body=[
                    ("paragraph", f"<p>{row.introduction}</p>"),
                    (
                        "quote",
                        {"text": "把“输血”与“造血”功能有机结合。", "attribution": "实施方案"},
                    ),
                    ("paragraph", "<p>（演示新闻）</p>"),
                ],
            )
            page.tags.add(*row.tags)
            self._publish_child(index, page)
            self._backdate(page, row.date)

    def load_activities(self):
        index = ActivityIndexPage.objects.first()
        if index is None:
            return
        lookup = self._lookups()
        workshops = {w.slug: w for w in WorkshopPage.objects.all()}
        for row in self._new_slugs(ActivityPage, programme.ACTIVITIES):
            start = timezone.make_aware(
                datetime.datetime.fromisoformat(f"{row.date}T{row.start_hour:02d}:00:00")
            )
            page = ActivityPage(
                title=row.title,
                slug=row.slug,
                activity_type=row.activity_type,
                start=start,
                end=start + datetime.timedelta(hours=row.hours),
                location=row.location,
                school=lookup[School].get(row.school),
                subject=lookup[Subject].get(row.subject),
                workshop=workshops.get(row.workshop),
                organiser="“组团式”教育帮扶团队",
                participants=row.participants,
                summary=row.summary,
            )
            self._publish_child(index, page)
            self._backdate(page, min(row.date, timezone.localdate().isoformat()))

    # Accounts -----------------------------------------------------------------------

    def load_accounts(self):
        User = get_user_model()
        for username, password, is_superuser, first_name, _description in site_pages.DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(
                username=username,
                first_name=first_name,
                email=f"{username}@example.com",
                is_staff=is_superuser,
                is_superuser=is_superuser,
            )
            user.set_password(password)
            user.save()
            if not is_superuser:
                user.groups.add(Group.objects.get(name=TEACHERS))
            self._count("账号", True)
