"""The video and audio upload form (WAGTAILMEDIA["MEDIA_FORM_BASE"]): size, type and content."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from wagtailmedia.forms import BaseMediaForm

from content.uploads import media_problem


class PortalMediaForm(BaseMediaForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        # Only a new upload has a size and content to check; an unchanged file was checked.
        if isinstance(file, UploadedFile):
            problem = media_problem(file, file.name, self.instance.type)
            if problem:
                raise forms.ValidationError(problem, code="invalid_media")
        return file
