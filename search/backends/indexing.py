"""What an object is indexed under: three texts, already cut into words."""

from typing import NamedTuple

from django.db.models import Manager
from django.utils.encoding import force_str

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


class Sources(NamedTuple):
    """The raw texts of one object, by column: picklable, to be cut in another process."""

    id: str
    title_values: tuple
    body: str
    autocomplete: str


class Row(NamedTuple):
    """One object's index entry: each column's text cut into words."""

    id: str
    title: str
    autocomplete: str
    body: str
    title_source: str


def sources(obj):
    title_values, body_values, autocomplete_values = [], [], []
    for field in obj.get_search_fields():
        for current, value, depth in flatten(obj, field):
            if not value:
                continue
            if isinstance(current, AutocompleteField):
                autocomplete_values.append(value)
            elif is_heading(current, depth):
                title_values.append(value)
            else:
                body_values.append(value)
    return Sources(
        force_str(obj.pk), tuple(title_values), " ".join(body_values), " ".join(autocomplete_values)
    )


def analyse(source):
    # Value by value, so that the repeated ones (school, subject, tags) hit the cache.
    title = " ".join(" ".join(analysis.index_tokens(v)) for v in source.title_values)
    return Row(
        source.id,
        title,
        analysis.autocomplete_text(source.autocomplete),
        analysis.index_text(source.body),
        " ".join(source.title_values),
    )


def rows_for(objs, pool=None):
    """Index rows for objects; with a multiprocessing pool, the cutting runs in parallel."""
    all_sources = [sources(obj) for obj in objs]
    if pool is None:
        return [analyse(source) for source in all_sources]
    return pool.map(analyse, all_sources, chunksize=50)
