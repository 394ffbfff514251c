from django.db import connection

import pytest

from content.demo.loader import DemoLoader


def pytest_report_header(config):
    where = connection.settings_dict.get("HOST") or "local file"
    return f"database: {connection.vendor} ({connection.settings_dict['ENGINE']}, {where})"


@pytest.fixture
def demo_site(db):
    """The portal as `make run` builds it, without the demo accounts."""
    DemoLoader(library=False).run()
    from home.models import HomePage

    return HomePage.objects.get()
