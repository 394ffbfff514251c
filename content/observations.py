"""课堂观察 on a recording page: the forms, who may do what, and what the panel shows.

Any logged-in reader of the recording may take notes and read everyone's; a note is removed
by its author or by a lead of the recording's workshop (content.models.observations.
lead_user_ids), who alone writes the 评课 summary.
"""

import re

from django import forms
from django.core.exceptions import ObjectDoesNotExist

from content.models.observations import (
    NOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    ObservationDimension,
    ObservationNote,
    ObservationSummary,
    format_seconds,
    lead_user_ids,
)

# A lesson recording runs for an hour or two; a time past a day is a typing slip.
LONGEST = 24 * 3600
NUMBER = re.compile(r"[0-9]{1,6}")


def parse_time(value):
    """Seconds from "75", "1:15", "01:15" or "1:02:05"; None when it is none of these."""
    parts = value.strip().replace("：", ":").split(":")
    if len(parts) > 3 or not all(NUMBER.fullmatch(part) for part in parts):
        return None
    numbers = [int(part) for part in parts]
    if any(number >= 60 for number in numbers[1:]):
        return None
    seconds = 0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds


class NoteForm(forms.Form):
    time = forms.CharField(
        label="视频时间",
        max_length=12,
        help_text="格式为 分:秒，如 12:05；播放时自动填入当前时间。",
        error_messages={"required": "请填写这条记录对应的视频时间，如 12:05。"},
    )
    dimension = forms.ModelChoiceField(
        label="观察维度",
        queryset=ObservationDimension.objects.all(),
        empty_label=None,
        error_messages={
            "required": "请选择观察维度。",
            "invalid_choice": "没有这个观察维度，请从列表中选择。",
        },
    )
    text = forms.CharField(
        label="观察记录",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "请写下观察到的内容。",
            "max_length": f"观察记录最多 {NOTE_MAX_LENGTH} 字，请精简或分成几条。",
        },
    )

    def __init__(self, *args, duration=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.duration = duration

    def clean_time(self):
        raw = self.cleaned_data["time"]
        if raw.strip().startswith("-"):
            raise forms.ValidationError("视频时间不能为负数。")
        seconds = parse_time(raw)
        if seconds is None:
            raise forms.ValidationError(f"无法识别时间“{raw}”，请按 分:秒 填写，如 12:05。")
        if seconds > LONGEST or (self.duration and seconds > self.duration + 1):
            longest = format_seconds(self.duration or LONGEST)
            raise forms.ValidationError(f"时间超出了视频长度（{longest}）。")
        return seconds


class SummaryForm(forms.Form):
    text = forms.CharField(
        label="评课意见",
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="根据上面的观察记录撰写；清空后保存即删除。",
        error_messages={"max_length": f"评课意见最多 {SUMMARY_MAX_LENGTH} 字。"},
    )


def display_name(user):
    """How the portal names a login: its 人员 record's name, else the account's own."""
    if user is None:
        return ""
    try:
        return user.person.name
    except ObjectDoesNotExist:
        return user.get_full_name() or user.get_username()


def may_remove(user, note, leads):
    return note.author_id == user.pk or user.pk in leads


def panel_context(request, page, note_form=None, summary_form=None):
    """What the panel shows, in four queries however many notes there are."""
    user = request.user
    leads = lead_user_ids(page)
    notes = list(
        ObservationNote.objects.filter(recording=page).select_related("dimension", "author__person")
    )
    for note in notes:
        note.author_name = display_name(note.author)
        note.removable = may_remove(user, note, leads)
    summary = (
        ObservationSummary.objects.filter(recording=page).select_related("author__person").first()
    )
    is_lead = user.pk in leads
    if note_form is None:
        note_form = NoteForm(initial={"time": "00:00"})
    if summary_form is None and is_lead:
        summary_form = SummaryForm(initial={"text": summary.text if summary else ""})
    return {
        "page": page,
        "notes": notes,
        "summary": summary,
        "summary_author": display_name(summary.author) if summary else "",
        "is_lead": is_lead,
        "note_form": note_form,
        "summary_form": summary_form,
        "seekable": bool(page.video_id),
        "request": request,
    }
