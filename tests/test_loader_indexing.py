"""The demo loader indexes each object once, at the end of its run (portal/setup/indexing.py):
its search index and reference index are those of every object indexed one by one."""

import re

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TestCase, override_settings

from modelsearch import index
from modelsearch.conf import get_app_config
from wagtail.models import ReferenceIndex

import pytest

from content.models import Person
from portal.settings.base import TASKS as DEPLOYED_TASKS
from portal.setup.indexing import indexed_once
from tests.session_demo import load_demo

IndexEntry = get_app_config().get_model("IndexEntry")


def search_entries():
    """Each entry as its object and the words of each text field, in sorted order: a page's
    tags come back in no set order on PostgreSQL (no ORDER BY), so two indexings of the same
    page may list its tag words in another order (and number a tsvector's positions
    differently); which words are indexed is what must be the same."""
    fields = ["content_type_id", "object_id", "title", "autocomplete", "body"]
    if connection.vendor == "postgresql":
        fields += ["title_text", "body_text", "title_norm"]
    return sorted(
        (content_type, object_id, *(_words(text) for text in texts))
        for content_type, object_id, *texts in IndexEntry.objects.values_list(*fields)
    )


def _words(text):
    # A tsvector's text lists 'lexeme':positions; the positions follow the words' order.
    return tuple(sorted(re.sub(r"':[0-9A-D,]+", "'", str(text or "")).split()))


def reference_rows():
    fields = [f.attname for f in ReferenceIndex._meta.concrete_fields if f.attname != "id"]
    return sorted(ReferenceIndex.objects.values_list(*fields))


@pytest.mark.both_databases
class LoaderIndexTests(TestCase):
    def test_indexes_are_those_of_each_object_indexed_one_by_one(self):
        load_demo()  # the loader's run (or its snapshot), with the full library
        entries, references = search_entries(), reference_rows()
        assert len(entries) > 250 and len(references) > 300

        IndexEntry.objects.all().delete()
        ReferenceIndex.objects.all().delete()
        for model in index.get_indexed_models():
            if getattr(model, "search_auto_update", True):
                # Each object read on its own, as the save's task reads it: read in bulk
                # (with the related objects prefetched), PostgreSQL may return a page's tags
                # in another order, and the title's words come in that order.
                for pk in model.get_indexed_objects().values_list("pk", flat=True):
                    index.insert_or_update_object(model.objects.get(pk=pk))
        for model in apps.get_models():
            if ReferenceIndex.is_indexed(model):
                for obj in model._default_manager.all():
                    ReferenceIndex.create_or_update_for_object(obj)

        # The tree's root, which the loader never saves, is the one object it did not index
        # (a run without the change left it out as well).
        one_by_one = [e for e in search_entries() if e not in entries]
        assert [e[1] for e in one_by_one] == ["1"]
        assert sorted(set(search_entries()) - set(one_by_one)) == entries
        assert reference_rows() == references


class IndexedOnceTests(TestCase):
    def new_person(self, name):
        person = Person(name=name, kind=Person.Kind.TEACHER, biography="")
        person.save()
        return person

    def entry(self, person):
        person_type = ContentType.objects.get_for_model(Person)
        return IndexEntry.objects.filter(content_type=person_type, object_id=str(person.pk)).first()

    def test_saves_inside_are_indexed_once_at_the_end(self):
        with indexed_once():
            person = self.new_person("甲老师")
            assert self.entry(person) is None
            person.name = "乙老师"
            person.save()
        entry = self.entry(person)
        index.insert_or_update_object(person)  # as it is now, after the second save
        fresh = self.entry(person)
        assert (entry.pk, entry.title, entry.autocomplete, entry.body) == (
            fresh.pk,
            fresh.title,
            fresh.autocomplete,
            fresh.body,
        )

    def test_with_a_worker_the_entries_are_queued_or_written_now(self):
        # As deployed (and `make run`): the search index's tasks go to the worker's queue.
        with override_settings(TASKS=DEPLOYED_TASKS):
            with indexed_once():
                queued = self.new_person("庚老师")
            assert self.entry(queued) is None  # for the worker
            with indexed_once(now=True):  # the demo loader's: searchable when it ends
                written = self.new_person("辛老师")
            assert self.entry(written) is not None

    def test_saves_after_the_block_are_indexed_at_once(self):
        with indexed_once():
            pass
        person = self.new_person("丙")
        assert self.entry(person) is not None

    def test_an_error_inside_indexes_nothing_and_puts_the_handlers_back(self):
        with pytest.raises(ValueError), indexed_once():
            self.new_person("丁")
            raise ValueError
        assert self.entry(Person.objects.get(name="丁")) is None
        assert self.entry(self.new_person("戊")) is not None
