"""Files as private as every page that uses them (the `privacy` package): documents in an
attachment list, a body's 文档下载 block and a rich-text link, images as a body figure, a
recording's poster and their renditions, and a video, used only by a teachers-only page or a
group-only page, on every route that hands them out."""

import io
import uuid

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase

from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupCollectionPermission,
    PageViewRestriction,
    ReferenceIndex,
)

import pytest
from PIL import Image as PILImage
from wagtailmedia.models import get_media_model

from content.groups import MEMBERS, TEACHERS
from content.models import PortalDocument, RecordingPage, ResourceDocument, WorkshopPage
from content.privacy import workshop_collection_name
from portal.setup.roles import RoleSetup
from privacy.files import compute_private_ids
from tests.factories import make_recording, make_resource
from tests.session_demo import load_demo
from tests.test_roles_privacy import document, resource_in, user

Image = get_image_model()
INSIDERS = "隐私样本小组"


def image(title, colour="teal"):
    picture = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(picture, "PNG")
    return Image.objects.create(title=title, file=ImageFile(picture, name=f"{colour}.png"))


def body(doc, link, figure):
    return [
        {"type": "document", "value": {"document": doc.pk, "text": ""}, "id": str(uuid.uuid4())},
        {
            "type": "paragraph",
            "value": f'<p>见<a linktype="document" id="{link.pk}">{link.title}</a>。</p>',
            "id": str(uuid.uuid4()),
        },
        {
            "type": "figure",
            "value": {
                "image": {"image": figure.pk, "alt_text": figure.title, "decorative": False},
                "caption": "",
            },
            "id": str(uuid.uuid4()),
        },
    ]


def restrict(page, groups=None):
    kind = PageViewRestriction.GROUPS if groups else PageViewRestriction.LOGIN
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind)
    if groups:
        restriction.groups.set(groups)
    return restriction


def content(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.both_databases
class FilePrivacyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Files are moved when the transaction commits; here, at the end of each block.
        with cls.captureOnCommitCallbacks(execute=True):
            load_demo()
        cls.workshop = WorkshopPage.objects.get(slug="wuli-mingshi")  # 罗山中学
        insiders = Group.objects.create(name=INSIDERS)
        cls.users = {
            "teacher": user("t", [TEACHERS]),
            "insider": user("i", [TEACHERS, INSIDERS]),
            # a member of the workshop: may edit its pages, is in neither page's group
            "editor": user("rx", [MEMBERS.format(cls.workshop.title)]),
            "chooser": cls.chooser(),
            "nofolder": user("n"),
        }
        cls.users["nofolder"].user_permissions.add(Permission.objects.get(codename="access_admin"))
        RoleSetup().run()
        cls.files = {}
        with cls.captureOnCommitCallbacks(execute=True):
            for kind, groups in (("teachers", None), ("group", [insiders])):
                attached = document(f"隐私样本附件{kind}", "附件")
                block = document(f"隐私样本正文文档{kind}", "正文")
                link = document(f"隐私样本链接文档{kind}", "链接")
                figure = image(f"隐私样本插图{kind}", "teal")
                poster = image(f"隐私样本海报{kind}", "navy")
                video = get_media_model().objects.create(
                    title=f"隐私样本视频{kind}",
                    file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="lesson.mp4"),
                    type="video",
                )
                page = resource_in(cls.workshop, f"隐私样本资源{kind}", documents=[attached])
                page.body = body(block, link, figure)
                page.save_revision().publish()
                recording = make_recording(f"隐私样本实录{kind}", poster=poster, video=video)
                restrict(page, groups)
                restrict(recording, groups)
                cls.files[kind] = {
                    "attached": attached,
                    "block": block,
                    "link": link,
                    "figure": figure,
                    "poster": poster,
                    "video": video,
                    "page": page,
                }
            # Used by the group-only page and by a public one: public.
            cls.shared_doc = document("隐私样本共用文档", "共用")
            cls.shared_image = image("隐私样本共用插图", "olive")
            group_page = cls.files["group"]["page"]
            group_page.documents.add(ResourceDocument(document=cls.shared_doc))
            shared = body(cls.shared_doc, cls.shared_doc, cls.shared_image)
            group_page.body = [*group_page.body.raw_data, *shared]
            group_page.save_revision().publish()
            make_resource("隐私样本公开资源", documents=[cls.shared_doc], body=shared)
        for kind in ("teachers", "group"):
            figure = Image.objects.get(pk=cls.files[kind]["figure"].pk)
            cls.files[kind]["rendition"] = figure.get_rendition("fill-32x24")

    @classmethod
    def chooser(cls):
        """An editor who may choose every 文件夹's files and reads no group-only page."""
        group = Group.objects.create(name="隐私样本选择者")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        root = Collection.get_first_root_node()
        for codename in ("choose_document", "choose_image"):
            GroupCollectionPermission.objects.create(
                group=group, collection=root, permission=Permission.objects.get(codename=codename)
            )
        return user("c", [group.name])

    def as_(self, who):
        self.client.logout()
        if who != "anonymous":
            self.client.force_login(self.users[who])

    def refused(self, response, who):
        if who == "anonymous":
            self.assertEqual(response.status_code, 302)
            self.assertIn("login", response["Location"])
        else:
            self.assertEqual(response.status_code, 404)

    def api_ids(self, endpoint):
        ids, offset, total = set(), 0, 1
        while offset < total:
            response = self.client.get(f"/api/v2/{endpoint}/", {"limit": 20, "offset": offset})
            self.assertEqual(response.status_code, 200)
            data = response.json()
            ids.update(item["id"] for item in data["items"])
            total, offset = data["meta"]["total_count"], offset + 20
        return ids

    # Who reads each kind: anonymous visitors neither; a teacher the teachers-only files;
    # the group's member both; the workshop's member may edit the group-only resource.
    READERS = {
        "teachers": {"teacher", "insider", "editor", "chooser"},
        "group": {"insider"},
    }

    def test_documents_follow_every_page_that_uses_them(self):
        for kind, readers in self.READERS.items():
            files = self.files[kind]
            for who in ("anonymous", "teacher", "insider", "editor"):
                self.as_(who)
                listed = self.api_ids("documents")
                for use in ("attached", "block", "link"):
                    doc = files[use]
                    allowed = who in readers or (who == "editor" and kind == "group")
                    with self.subTest(kind=kind, use=use, who=who):
                        response = self.client.get(doc.url)
                        detail = self.client.get(f"/api/v2/documents/{doc.pk}/")
                        if allowed:
                            self.assertEqual(response.status_code, 200)
                            self.assertEqual(content(response), doc.file.open("rb").read())
                            self.assertEqual(detail.status_code, 200)
                            self.assertIn(doc.pk, listed)
                        else:
                            self.refused(response, who)
                            self.assertEqual(detail.status_code, 404)
                            self.assertNotIn(doc.pk, listed)

    def test_images_and_renditions_are_stored_out_of_the_public_folders(self):
        for kind, readers in self.READERS.items():
            files = self.files[kind]
            pictures = {
                "figure": Image.objects.get(pk=files["figure"].pk),
                "poster": Image.objects.get(pk=files["poster"].pk),
            }
            rendition = files["rendition"]
            for use, picture in pictures.items():
                with self.subTest(kind=kind, use=use):
                    self.assertTrue(picture.file.url.startswith("/media/private/original_images/"))
                    public_name = picture.file.name.removeprefix("private/")
                    self.assertFalse(default_storage.exists(public_name))
            self.assertTrue(rendition.url.startswith("/media/private/images/"))
            self.assertFalse(default_storage.exists(rendition.file.name.removeprefix("private/")))
            for who in ("anonymous", "teacher", "insider"):
                self.as_(who)
                listed = self.api_ids("images")
                for use, url, picture in (
                    ("figure", pictures["figure"].file.url, pictures["figure"]),
                    ("poster", pictures["poster"].file.url, pictures["poster"]),
                    ("rendition", rendition.url, pictures["figure"]),
                ):
                    with self.subTest(kind=kind, use=use, who=who):
                        response = self.client.get(url)
                        detail = self.client.get(f"/api/v2/images/{picture.pk}/")
                        if who in readers:
                            self.assertEqual(response.status_code, 200)
                            self.assertTrue(content(response).startswith(b"\x89PNG"))
                            self.assertEqual(detail.status_code, 200)
                            self.assertIn(picture.pk, listed)
                        else:
                            self.refused(response, who)
                            self.assertEqual(detail.status_code, 404)
                            self.assertNotIn(picture.pk, listed)

    def test_a_readers_page_shows_the_private_images_through_the_checked_view(self):
        self.as_("insider")
        page = self.client.get(self.files["group"]["page"].url)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "/media/private/images/")
        src = page.content.decode().split('src="/media/private/images/', 1)[1].split('"', 1)[0]
        self.assertEqual(self.client.get(f"/media/private/images/{src}").status_code, 200)
        self.as_("teacher")
        self.assertEqual(self.client.get(f"/media/private/images/{src}").status_code, 404)

    def test_videos_follow_their_recordings(self):
        for kind, readers in self.READERS.items():
            video = self.files[kind]["video"]
            url = f"/media-files/{video.pk}/{video.filename}"
            for who in ("anonymous", "teacher", "insider"):
                with self.subTest(kind=kind, who=who):
                    self.as_(who)
                    response = self.client.get(url)
                    if who in readers:
                        self.assertEqual(response.status_code, 200)
                    else:
                        self.refused(response, who)

    def test_a_file_also_used_by_a_public_page_stays_public(self):
        shared = Image.objects.get(pk=self.shared_image.pk)
        self.assertTrue(shared.file.name.startswith("original_images/"))
        self.assertEqual(self.client.get(self.shared_doc.url).status_code, 200)
        self.assertIn(self.shared_doc.pk, self.api_ids("documents"))
        self.assertIn(shared.pk, self.api_ids("images"))

    def test_choosers_list_only_what_the_editor_may_read(self):
        titles = {
            "/admin/documents/chooser/results/": "隐私样本附件{}",
            "/admin/images/chooser/results/": "隐私样本海报{}",
        }
        self.as_("chooser")
        for path, title in titles.items():
            with self.subTest(path=path):
                response = self.client.get(path, {"q": "隐私样本"})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, title.format("teachers"))
                self.assertNotContains(response, title.format("group"))
        # An editor with no 文件夹 at all searches and finds nothing (it was a server error).
        self.as_("nofolder")
        for path, title in titles.items():
            with self.subTest(path=path, who="nofolder"):
                response = self.client.get(path, {"q": "隐私样本"})
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, title.format("teachers"))

    def test_making_a_page_public_again_makes_its_files_public_again(self):
        page = self.files["teachers"]["page"]
        figure = self.files["teachers"]["figure"]
        private_url = Image.objects.get(pk=figure.pk).file.url
        with self.captureOnCommitCallbacks(execute=True):
            PageViewRestriction.objects.filter(page=page).delete()
        public = Image.objects.get(pk=figure.pk)
        self.assertTrue(public.file.name.startswith("original_images/"))
        self.assertTrue(default_storage.exists(public.file.name))
        # A page cached before the move still names the old address: it leads to the new one.
        self.assertRedirects(
            self.client.get(private_url), public.file.url, fetch_redirect_response=False
        )
        self.assertIn(figure.pk, self.api_ids("images"))
        for use in ("attached", "block", "link"):
            self.assertEqual(self.client.get(self.files["teachers"][use].url).status_code, 200)
        rendition = public.renditions.get()
        self.assertTrue(rendition.file.name.startswith("images/"))
        # And private once more (the files stay where the rolled back rows expect them).
        with self.captureOnCommitCallbacks(execute=True):
            restrict(page)
        self.assertTrue(Image.objects.get(pk=figure.pk).file.name.startswith("private/"))
        self.assertFalse(default_storage.exists(public.file.name))

    def test_a_group_only_workshops_folder_admits_its_members(self):
        folder = Collection.objects.get(name=workshop_collection_name(self.workshop))
        doc = document("隐私样本工作室资料", "成员资料")
        doc.collection = folder
        doc.save()
        members = Group.objects.get(name=MEMBERS.format(self.workshop.title))
        member = user("m", [TEACHERS])
        member.groups.add(members)
        restrict(self.workshop, [members])
        mirrored = CollectionViewRestriction.objects.get(collection=folder)
        self.assertEqual(list(mirrored.groups.all()), [members])
        self.client.force_login(member)
        self.assertEqual(self.client.get(doc.url).status_code, 200)
        self.assertIn(doc.pk, self.api_ids("documents"))
        self.client.force_login(self.users["teacher"])
        self.assertNotEqual(self.client.get(doc.url).status_code, 200)
        self.assertNotIn(doc.pk, self.api_ids("documents"))

    def test_the_demo_and_its_privacy_come_from_the_reference_index(self):
        poster = RecordingPage.objects.exclude(poster=None).filter(live=True).first().poster
        users = ReferenceIndex.get_references_to(poster)
        self.assertTrue(users.exists())
        private = compute_private_ids(PortalDocument)
        for kind in ("teachers", "group"):
            for use in ("attached", "block", "link"):
                self.assertIn(self.files[kind][use].pk, private)
        self.assertNotIn(self.shared_doc.pk, private)
        # Renditions made several at once come with no signal; the command gathers them.
        figure = Image.objects.get(pk=self.files["group"]["figure"].pk)
        made = figure.get_renditions("fill-20x20", "fill-10x10")
        self.assertFalse(any(r.file.name.startswith("private/") for r in made.values()))
        out = io.StringIO()
        call_command("sync_private_images", stdout=out)
        self.assertIn("转为私有：2 项", out.getvalue())
        self.assertEqual(figure.renditions.exclude(file__startswith="private/").count(), 0)
        # Everything is already where it belongs: the command has nothing to move.
        out = io.StringIO()
        call_command("sync_private_images", stdout=out)
        self.assertIn("转为私有：0 项；转为公开：0 项", out.getvalue())
