"""bakerydemo as bench/load.py serves it beside the portal: its README's set-up (the dev
settings, SQLite, the database search backend, Django's default in-process cache) with DEBUG
off as in production, so that neither site pays for debug pages or the query log. Its
database and media live in bench/out/bakerydemo (BAKERYDEMO_DATA), not in the checkout.

Imported by bakerydemo's own Python (bench/out/bakerydemo/venv), never by the portal's.
"""

import os
from pathlib import Path

from bakerydemo.settings.dev import *  # noqa: F403

DATA = Path(os.environ["BAKERYDEMO_DATA"])

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA / "bakerydemodb")}
}
MEDIA_ROOT = str(DATA / "media")
STATIC_ROOT = str(DATA / "static")
