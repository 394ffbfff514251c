"""Two editors on one page never silently overwrite each other: a locked page refuses the
other editor's save, and an editor whose form is older than the latest revision is told who
saved a newer one (Wagtail's editing sessions) while that revision stays in the history."""

from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from django.urls import reverse

from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from content.models import StandardPage
from tests.factories import make_user
from tests.session_demo import load_demo


def form(title, text):
    return nested_form_data(
        {
            "title": title,
            "slug": "about",
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
        }
    )


class ConcurrentEditingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.page = StandardPage.objects.get(slug="about")
        editors = Group.objects.create(name="关于页编辑")
        for codename in ("change_page", "publish_page", "lock_page"):
            GroupPagePermission.objects.create(
                group=editors,
                page=cls.page,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        cls.a = make_user("editor_a", last_name="马", first_name="文静")
        cls.b = make_user("editor_b", last_name="林", first_name="晓东")
        for user in (cls.a, cls.b):
            user.user_permissions.add(Permission.objects.get(codename="access_admin"))
            user.groups.add(editors)
        cls.page.save_revision(user=cls.a).publish()
        cls.edit_url = reverse("wagtailadmin_pages:edit", args=[cls.page.pk])

    def as_user(self, user):
        self.client.force_login(user)

    def latest(self):
        return StandardPage.objects.get(pk=self.page.pk).get_latest_revision()

    def test_a_page_locked_by_one_editor_refuses_the_others_save(self):
        self.as_user(self.a)
        self.client.post(reverse("wagtailadmin_pages:lock", args=[self.page.pk]))
        page = StandardPage.objects.get(pk=self.page.pk)
        assert page.locked and page.locked_by == self.a
        before = self.latest()

        self.as_user(self.b)
        response = self.client.post(self.edit_url, form("林晓东改的标题", "覆盖的内容"))
        assert response.status_code == 200
        assert "页面已被锁定，未能保存。" in response.content.decode()
        assert self.latest() == before
        assert StandardPage.objects.get(pk=self.page.pk).draft_title == page.draft_title

        # The lock holder still saves.
        self.as_user(self.a)
        self.client.post(self.edit_url, form("马文静改的标题", "新的内容"))
        assert self.latest().as_object().title == "马文静改的标题"

    def test_an_editor_with_an_older_form_is_warned_and_the_newer_revision_kept(self):
        # B opens the editor: the form remembers which revision it was loaded from.
        self.as_user(self.b)
        opened = self.client.get(self.edit_url)
        assert opened.status_code == 200
        loaded = self.latest()
        loaded_at = loaded.created_at.isoformat()
        ping = reverse(
            "wagtailadmin_editing_sessions:ping",
            args=("wagtailcore", "page", self.page.pk, 0),
        )
        first = self.client.post(ping, {"revision_id": loaded.pk, "revision_created_at": loaded_at})
        assert first.json()["other_sessions"] == []

        # A opens the same page (B's next ping sees A there) and saves a new revision.
        self.as_user(self.a)
        assert self.client.get(self.edit_url).status_code == 200
        self.client.post(self.edit_url, form("马文静改的标题", "马文静写的内容"))
        saved_by_a = self.latest()
        assert saved_by_a.user == self.a and saved_by_a.pk != loaded.pk

        # B's editor pings as it does every ten seconds and is told A saved a newer version.
        self.as_user(self.b)
        session = self.client.post(
            ping, {"revision_id": loaded.pk, "revision_created_at": loaded_at}
        ).json()
        [other] = session["other_sessions"]
        assert other["user"] == self.a.get_full_name()
        assert other["revision_id"] == saved_by_a.pk
        assert "保存了新版本" in session["html"]

        # B's autosave from the older form is refused, and nothing of A's is lost.
        stale = {
            **form("林晓东改的标题", "林晓东写的内容"),
            "loaded_revision_id": loaded.pk,
            "loaded_revision_created_at": loaded_at,
        }
        refused = self.client.post(self.edit_url, stale, HTTP_ACCEPT="application/json")
        assert refused.status_code == 400
        assert refused.json()["error_code"] == "invalid_revision"
        assert refused.json()["error_message"] == "保存将覆盖别人刚保存的更新版本。"
        assert self.latest() == saved_by_a

        # Saving anyway (after the warning) adds B's revision; A's stays in the history.
        self.client.post(self.edit_url, stale)
        assert self.latest().user == self.b
        history = StandardPage.objects.get(pk=self.page.pk).revisions
        assert history.get(pk=saved_by_a.pk).as_object().title == "马文静改的标题"
