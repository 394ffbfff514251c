"""Progress and compliance cost the same number of queries for 10 output records or 1,000."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

import pytest

import caching
from content.models import Level, School
from tests.session_demo import load_demo
from tracking.models import OutputRecord, Semester, Target
from tracking.progress import cadence_compliance, target_progress

TODAY = datetime.date(2026, 11, 29)


@pytest.mark.both_databases
class TrackingQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.semester = Semester.objects.current(TODAY)

    def add_records(self, n):
        luoshan = School.objects.get(slug="luoshan")
        city = Level.objects.get(slug="shi")
        OutputRecord.objects.bulk_create(
            OutputRecord(
                category="quality_lesson" if i % 2 else "micro_research",
                title=f"成果 {i}",
                date=datetime.date(2026, 9, 1) + datetime.timedelta(days=i % 80),
                level=city,
                school=luoshan,
                description="测试",
                status="verified" if i % 5 else "submitted",
            )
            for i in range(n)
        )

    def measure(self):
        # Cold each time: shared fragments (the private sections' paths) would otherwise be
        # read by the first measurement only. The generation is read once, as a request does.
        caching.clear()
        with caching.request_scope():
            caching.generation()
            with CaptureQueriesContext(connection) as progress_queries:
                progress = {p.target.code: p for p in target_progress(today=TODAY)}
            with CaptureQueriesContext(connection) as compliance_queries:
                compliance = {c.rule.code: c for c in cadence_compliance(self.semester, TODAY)}
        return len(progress_queries), len(compliance_queries), progress, compliance

    def test_fixed_number_of_queries(self):
        self.add_records(10)
        few_progress, few_compliance, progress, compliance = self.measure()
        lessons = progress["2023-04"].current  # 市级精品课 at 罗山中学
        research = sum(b.count for b in compliance["weiketi"].buckets)

        self.add_records(990)
        many_progress, many_compliance, progress, compliance = self.measure()

        assert (many_progress, many_compliance) == (few_progress, few_compliance)
        assert few_progress == 2  # the targets, and the verified records grouped
        # Rules and their subjects; aid-team members, workshops; activities, forums, outputs,
        # lessons observed (课堂观察), apprenticeships; schools, subjects and the private
        # sections' paths from the shared snapshot (caching.snapshot), read once.
        assert few_compliance == 12
        # The thousand records did arrive: four in five are verified, half are lessons.
        assert progress["2023-04"].current - lessons == 396
        assert sum(b.count for b in compliance["weiketi"].buckets) - research == 396
        assert Target.objects.count() == 70
