from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = True
# A throwaway key for local development only; production.py never uses it.
SECRET_KEY = "django-insecure-dev-only-hongsibu-portal-3f9c1d"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# runserver serves static files from the source folders, no collectstatic needed.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# runserver serves static files itself; WhiteNoise is for the collected files in production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
