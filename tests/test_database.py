"""Which database the suite runs on, so the CI log proves the PostgreSQL run happened."""

import os

from django.db import connection

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_connection_is_the_requested_database():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    print(f"running on {connection.vendor}")


def test_chinese_text_round_trips_unchanged(demo_site):
    from content.models import School

    school = School.objects.get(slug="luoshan")
    assert school.name == "红寺堡区罗山中学"
    assert School.objects.filter(name__contains="罗山").count() == 1
