"""The video and audio upload form (WAGTAILMEDIA["MEDIA_FORM_BASE"]): size, type and content,
and, on a video's edit page, where its transcoding stands (无法转码 with the reason)."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from wagtailmedia.forms import BaseMediaForm

from content.models.videos import VideoProcessing, VideoStatus
from content.uploads import media_problem


def processing_note(media):
    """What the editor reads under the file field of an uploaded video, or ""."""
    processing = VideoProcessing.objects.filter(media=media).first()
    if processing is None:
        return ""
    note = f"转码状态：{processing.get_status_display()}"
    if processing.status == VideoStatus.FAILED:
        return f"{note}。{processing.reason} 原始文件仍可在浏览器支持时播放；可换一个文件重新上传。"
    if processing.status == VideoStatus.READY:
        labels = "、".join(media.renditions.values_list("label", flat=True))
        return f"{note}（{labels}，已生成封面）。更换文件后会重新转码。"
    return f"{note}。转码在后台进行，完成后页面提供两种清晰度。"


class PortalMediaForm(BaseMediaForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.type == "video" and "file" in self.fields:
            note = processing_note(self.instance)
            if note:
                self.fields["file"].help_text = note

    def clean_file(self):
        file = self.cleaned_data.get("file")
        # Only a new upload has a size and content to check; an unchanged file was checked.
        if isinstance(file, UploadedFile):
            problem = media_problem(file, file.name, self.instance.type)
            if problem:
                raise forms.ValidationError(problem, code="invalid_media")
        return file
