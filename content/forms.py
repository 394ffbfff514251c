from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from content.slugs import pinyin_slug, unique_slug


class PortalPageForm(WagtailAdminPageForm):
    """Lets editors leave the slug blank: it is then spelled from the title in pinyin.

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
        if "slug" in self.fields and not cleaned_data.get("slug") and self.parent_page:
            self.errors.pop("slug", None)
            base = pinyin_slug(cleaned_data.get("title", "")) or "page"
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
