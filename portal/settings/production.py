"""Production settings: refuse to start rather than run with unsafe defaults."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, CACHES, PAGE_CACHE_ENABLED, SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set in the environment for production "
        "(生产环境必须设置 DJANGO_SECRET_KEY)."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the site's host names, comma-separated "
        "(生产环境必须设置 DJANGO_ALLOWED_HOSTS)."
    )
if PAGE_CACHE_ENABLED and CACHES["default"]["BACKEND"].endswith(".LocMemCache"):
    # Correct (the generation is in the database) but wasteful: every gunicorn worker would
    # render and keep its own copy of every page, and a restart would empty them all.
    raise ImproperlyConfigured(
        "The page cache needs a shared cache in production: set REDIS_URL, or "
        "PAGE_CACHE_ENABLED=0 to run without it "
        "(生产环境的页面缓存须用共享缓存：设置 REDIS_URL，或设 PAGE_CACHE_ENABLED=0)."
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true").lower() == "true"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload flag only consents to the browsers' HSTS preload list; nothing is submitted
# until someone does so at hstspreload.org. Set DJANGO_HSTS_PRELOAD=false for a host whose
# subdomains are not all on HTTPS.
SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD", "true").lower() == "true"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() == "true"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "false").lower() == "true"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Behind nginx every request comes from the proxy's address: django-axes must count failed
# logins by the visitor's address, which nginx alone sets in X-Forwarded-For
# (deploy/nginx/hongsibu-portal-proxy.conf replaces whatever the client sent).
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
