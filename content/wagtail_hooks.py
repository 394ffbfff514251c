from wagtail.snippets.models import register_snippet

from content.viewsets import ReferenceDataGroup

register_snippet(ReferenceDataGroup)
