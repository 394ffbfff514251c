from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from content.slugs import is_blank, is_machine_made, pinyin_slug, unique_slug


class PortalPageForm(WagtailAdminPageForm):
    """Lets editors leave the slug blank (or hyphens only, as the admin's slug sync leaves a
    Chinese title): it is then spelled from the title in pinyin.

    With ASCII-only slugs the admin's own slug sync drops every Chinese character, which
    would leave a Chinese-titled page with an empty, required slug.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("页面网址中的名称；留空则按标题的拼音自动生成。")

    def clean(self):
        cleaned_data = super().clean()
        slug, title = cleaned_data.get("slug"), cleaned_data.get("title", "")
        # A page not yet live has no address anyone uses: what the slug sync made of its
        # title is replaced by the pinyin; a live page's address changes only when blank.
        unused = self.instance.pk is None or not self.instance.live
        machine_made = is_machine_made(slug, title) if unused else is_blank(slug)
        if "slug" in self.fields and machine_made and self.parent_page:
            self.errors.pop("slug", None)
            base = pinyin_slug(title) or "page"
            cleaned_data["slug"] = unique_slug(
                base,
                lambda s: not Page._slug_is_available(s, self.parent_page, self.instance),
            )
        return cleaned_data


COLLECTABLE_LABELS = [
    ("resource", _("教学资源")),
    ("recording", _("课堂实录")),
    ("lesson_study", _("同课异构")),
    ("news", _("新闻")),
    ("activity", _("教研活动")),
    ("forum", _("论坛")),
    ("workshop", _("工作室")),
]


class CollectionPageForm(PortalPageForm):
    page_types = forms.MultipleChoiceField(
        label=_("内容类型"),
        choices=COLLECTABLE_LABELS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则包括全部类型。"),
    )
