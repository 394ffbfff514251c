"""A page's reference data (school, subject, grade, stage, level, type, edition) from the
cached lists, instead of a join per list: with five or six such joins beside the page's
own tables, PostgreSQL spent 5-9 ms planning each listing or detail query, more than it
took to run it (measured with EXPLAIN ANALYZE at 50,000 resources)."""

import functools

from caching.shared import reference_list


class ReferenceData:
    """A model whose rows are few and read from the cached lists (content.models.taxonomy):
    a marker here, so that this module needs no model and the models may use it."""


@functools.cache
def reference_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and issubclass(field.related_model, ReferenceData)
    ]


def with_references(objs):
    """The objects (a list), each with its reference foreign keys filled from the cache."""
    objs = list(objs)
    lists = {}
    for obj in objs:
        for field in reference_fields(type(obj)):
            if field.related_model not in lists:
                lists[field.related_model] = {
                    item.pk: item for item in reference_list(field.related_model)
                }
            item = lists[field.related_model].get(getattr(obj, field.attname))
            if item is not None:
                field.set_cached_value(obj, item)
    return objs
