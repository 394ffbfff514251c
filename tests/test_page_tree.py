"""The page tree an editor sees cannot be built wrong."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from content.models import (
    ActivityIndexPage,
    CollectionPage,
    ForumIndexPage,
    NewsIndexPage,
    RecordingIndexPage,
    ResourceIndexPage,
    StandardPage,
    WorkshopIndexPage,
)
from home.models import HomePage
from tests.session_demo import load_demo
from tracking.models import ResultsPage

SECTION_MODELS = [
    WorkshopIndexPage,
    ResourceIndexPage,
    RecordingIndexPage,
    ForumIndexPage,
    NewsIndexPage,
    ActivityIndexPage,
]


class PageTreeRulesTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.home = HomePage.objects.get()

    def setUp(self):
        editor = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
        self.client.force_login(editor)

    def test_home_takes_the_sections_and_standard_pages(self):
        self.assertAllowedSubpageTypes(
            HomePage, {*SECTION_MODELS, StandardPage, CollectionPage, ResultsPage}
        )

    def test_home_only_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_sections_only_under_home(self):
        for model in SECTION_MODELS:
            self.assertAllowedParentPageTypes(model, {HomePage})
            self.assertCanNotCreateAt(StandardPage, model)

    def test_each_section_and_home_exist_once_only(self):
        for model in [HomePage, *SECTION_MODELS]:
            self.assertEqual(model.objects.count(), 1)
            self.assertFalse(model.can_create_at(self.home), f"a second {model.__name__}")

    def test_standard_pages_nest(self):
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage, CollectionPage})
        about = StandardPage.objects.get(slug="about")
        self.assertTrue(StandardPage.can_create_at(about))

    def test_editor_creates_a_chinese_page_and_gets_a_pinyin_slug(self):
        # The admin form with the slug left blank, as an editor would leave it.
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data(
                {
                    "title": "联系我们",
                    "slug": "",
                    "body": streamfield([("paragraph", rich_text("<p>电话与地址</p>"))]),
                }
            ),
        )
        page = StandardPage.objects.get(title="联系我们")
        self.assertEqual(page.slug, "lianxiwomen")
        self.assertEqual(self.client.get("/lianxiwomen/").status_code, 200)

    def test_a_second_page_with_the_same_title_gets_a_distinct_slug(self):
        for _ in range(2):
            self.assertCanCreate(
                self.home,
                StandardPage,
                nested_form_data({"title": "工作通报", "slug": "", "body": streamfield([])}),
            )
        slugs = set(StandardPage.objects.filter(title="工作通报").values_list("slug", flat=True))
        self.assertEqual(slugs, {"gongzuotongbao", "gongzuotongbao-2"})

    def test_editor_changes_the_home_page_key_figures(self):
        data = nested_form_data(
            {
                "title": "首页",
                "slug": "home",
                "hero_title": "红寺堡区教育人才“组团式”帮扶",
                "hero_text": "",
                "introduction": rich_text("<p>项目介绍</p>"),
                "key_figures": inline_formset(
                    [{"value": "65", "unit": "名", "label": "罗山中学新增编制"}]
                ),
                "action-publish": "action-publish",
            }
        )
        response = self.client.post(reverse("wagtailadmin_pages:edit", args=[self.home.pk]), data)
        self.assertRedirects(
            response, reverse("wagtailadmin_explore", args=[self.home.get_parent().pk])
        )
        self.assertContains(self.client.get("/"), "罗山中学新增编制")
        self.assertPageIsEditable(self.home)
