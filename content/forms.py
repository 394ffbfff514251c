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
            # Wagtail calls it 缩略名 (slug), a word editors do not use.
            self.fields["slug"].label = _("页面地址")
            self.fields["slug"].help_text = _(
                "页面网址的最后一段，如 …/resources/niudun-dierdinglv/ 中的 niudun-dierdinglv；"
                "只用小写字母、数字和连字符。留空则按标题的拼音自动生成。"
            )

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


class GradeSelect(forms.Select):
    """The grades, each option naming its 学段, so that a small script (resource-form.js)
    offers only the grades of the chosen 学段; without the script every grade is offered and
    the server refuses a grade outside the 学段 (ResourcePage.clean)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-stage"] = instance.stage_id
        return option

    class Media:
        js = ["content/resource-form.js"]
        css = {"all": ["content/resource-form.css"]}


def _required_message(field):
    return _("提交审核或发布前请选择%(label)s。") % {"label": field.label}


class LibraryPageForm(PortalPageForm):
    """The form of a resource or a recording, quick to fill in.

    Short reference lists are radios or selects instead of a chooser modal per value; a new
    page starts with its school, people and subject from the workshop it is filed in and from
    the editor's own 人员 record. A draft may lack the classification and the 简介 alike
    (the fields are nullable, so Wagtail defers them); submitting or publishing requires them,
    with messages saying so. 简介 is the page's one summary: 摘要 and 元描述 only override it
    in listings and search engines, and are shown only where an editor already filled them in.
    """

    radio_fields = ()  # a handful of values: all visible at once
    select_fields = ()  # longer lists
    people_fields = ()  # whose choices are the workshop's people
    classification = ()  # the fields a draft may lack; required to submit or publish
    summary_overrides = ("listing_summary", "search_description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.radio_fields:
            self._use_widget(name, forms.RadioSelect(attrs={"class": "portal-choices"}))
        for name in self.select_fields:
            self._use_widget(name, forms.Select())
        if "grade" in self.fields:
            self._use_widget("grade", GradeSelect())
        workshop = self._workshop()
        for name in self.people_fields:
            self._limit_people(name, workshop)
        for name in self.classification:
            if name in self.fields:
                field = self.fields[name]
                field.error_messages["required"] = _required_message(field)
        if "summary" in self.fields:
            self.fields["summary"].error_messages["required"] = _(
                "提交审核或发布前请填写简介：用一两句话说明它是什么、给谁用。"
            )
            self.fields["summary"].help_text = _(
                "列表、搜索结果和分享卡片中显示的一两句话，也是页面描述。"
            )
        for name in self.summary_overrides:
            if name in self.fields and not getattr(self.instance, name, ""):
                del self.fields[name]  # kept in the data; the form offers 简介 alone
        for name in self.summary_overrides:
            if name in self.fields:
                self.fields[name].help_text = _(
                    "已填写时代替简介显示（摘要：列表与分享；元描述：搜索引擎）。清空即改用简介。"
                )
        if not self.instance.pk and not self.is_bound:
            self._prefill(workshop)

    def _use_widget(self, name, widget):
        field = self.fields.get(name)
        if field is None:
            return
        if isinstance(widget, forms.Select) and hasattr(field, "empty_label"):
            field.empty_label = _("请选择") if field.required else _("不指定")
        if isinstance(widget, forms.RadioSelect):
            if hasattr(field, "empty_label"):
                # A required list has no "none" radio; an optional one says what none means.
                field.empty_label = None if field.required else _("不指定")
            else:
                field.choices = [choice for choice in field.choices if choice[0] != ""]
        field.widget = widget
        field.widget.choices = field.choices

    def _workshop(self):
        """The workshop the page is filed in, if any: it has a school, a lead and members."""
        parent = self.parent_page.specific if self.parent_page else None
        return parent if parent is not None and hasattr(parent, "team") else None

    def _editor_person(self):
        user = self.for_user
        return getattr(user, "person", None) if user is not None else None

    def _limit_people(self, name, workshop):
        """Checkboxes (or a short select) of the workshop's people instead of a list of
        everyone: the page's current people and the editor stay offered."""
        field = self.fields.get(name)
        if field is None or workshop is None:
            return
        keep = {person.pk for person in workshop.team()} | _pks(self.initial.get(name))
        person = self._editor_person()
        if person is not None:
            keep.add(person.pk)
        field.queryset = field.queryset.filter(pk__in=keep)
        field.widget.choices = field.choices
        field.help_text = _("列出的是本工作室的主持人和成员。")

    def _prefill(self, workshop):
        person = self._editor_person()
        defaults = {}
        if workshop is not None:
            defaults["school"] = workshop.school_id
            subject = workshop.subject()
            if subject is not None:
                defaults["subject"] = subject.pk
        if person is not None:
            defaults["authors"] = [person.pk]
            defaults["teacher"] = person.pk
            if "school" not in defaults and person.school_id:
                defaults["school"] = person.school_id
        for name, value in defaults.items():
            if name in self.fields:
                self.initial[name] = value


def _pks(value):
    """The primary keys in a field's initial value: none, a key, or objects (a list, or the
    queryset a new page's many-to-many field starts with)."""
    if value is None or value == "":
        return set()
    values = [value] if isinstance(value, (int, str)) else value
    return {getattr(item, "pk", item) for item in values}


class ResourcePageForm(LibraryPageForm):
    radio_fields = ("resource_type", "stage", "school")
    select_fields = ("subject", "textbook_edition", "level")
    people_fields = ("authors",)
    classification = ("resource_type", "stage", "subject")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "authors" in self.fields:
            authors = self.fields["authors"]
            authors.widget = forms.CheckboxSelectMultiple(attrs={"class": "portal-choices"})
            authors.widget.choices = authors.choices


class RecordingPageForm(LibraryPageForm):
    radio_fields = ("kind", "school")
    select_fields = ("subject", "level", "teacher")
    people_fields = ("teacher",)
    classification = ("teacher", "school", "subject")
