from django.db import connection

import pytest

from content.demo.loader import DemoLoader


def pytest_report_header(config):
    where = connection.settings_dict.get("HOST") or "local file"
    return f"database: {connection.vendor} ({connection.settings_dict['ENGINE']}, {where})"


@pytest.fixture
def demo_site(db):
    """The portal as `make run` builds it, without the demo accounts."""
    DemoLoader().run()
    from home.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("site-admin", "admin@example.com", "pw")
    client.force_login(user)
    return client
