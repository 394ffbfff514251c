"""What an object is indexed under: three texts, already cut into words."""

from django.db.models import Manager
from django.utils.encoding import force_str
from django.utils.functional import cached_property

from modelsearch.index import AutocompleteField, RelatedFields, SearchField

from search import analysis

# A field boosted this much or more is indexed with the title: a resource's school, subject,
# type and tags, a recording's teacher. Matching them ranks like matching the title.
HEADING_BOOST = 2


def is_heading(field, depth):
    # Only the object's own title: the title of an attachment is body text.
    return (field.field_name == "title" and depth == 0) or (field.boost or 1) >= HEADING_BOOST


def as_text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return " ".join(as_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(as_text(item) for item in value.values())
    return "" if value is None else force_str(value)


def flatten(obj, field, depth=0):
    """(field, text, depth) for a search field, following RelatedFields to related objects."""
    if isinstance(field, (SearchField, AutocompleteField)):
        yield field, as_text(field.get_value(obj)), depth
    elif isinstance(field, RelatedFields):
        related = field.get_value(obj)
        if related is None:
            return
        if isinstance(related, Manager):
            related = related.all()
        elif callable(related):
            related = [related()]
        else:
            related = [related]
        for item in related:
            for sub_field in field.fields:
                yield from flatten(item, sub_field, depth + 1)


class SegmentedIndexer:
    """What modelsearch's database indexers store, with the text of each column cut into words
    by jieba and fields sorted into columns by their boost."""

    def __init__(self, obj, backend):
        self.obj = obj
        self.search_fields = obj.get_search_fields()

    @cached_property
    def id(self):
        return force_str(self.obj.pk)

    def _values(self, wanted):
        for field in self.search_fields:
            for current, value, depth in flatten(self.obj, field):
                if wanted(current, depth) and value:
                    yield value

    @cached_property
    def title_source(self):
        return " ".join(self._values(lambda f, d: isinstance(f, SearchField) and is_heading(f, d)))

    @cached_property
    def body_source(self):
        return " ".join(
            self._values(lambda f, d: isinstance(f, SearchField) and not is_heading(f, d))
        )

    @cached_property
    def title(self):
        return analysis.index_text(self.title_source)

    @cached_property
    def body(self):
        return analysis.index_text(self.body_source)

    @cached_property
    def autocomplete(self):
        return analysis.autocomplete_text(
            " ".join(self._values(lambda f, d: isinstance(f, AutocompleteField)))
        )
