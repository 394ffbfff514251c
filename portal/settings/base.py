"""Settings shared by every environment.

This file is safe to run in production on its own terms: DEBUG is off, and the secret key
and allowed hosts come only from the environment. dev.py and test.py loosen it for local use;
production.py refuses to start without the essentials.
"""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First: its purge receivers must run before other apps' (caching/apps.py).
    "caching",
    "portal",
    "home",
    "content",
    "search",
    "tracking",
    "people",
    "personal",
    "usage",
    "privacy",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.table_block",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "wagtailmedia",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.csp.PortalCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and locale: it must see the cookies and headers they add.
    "caching.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "caching.middleware.SharedCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Accounts are made by the programme office; there is no sign-up. Failed logins are counted
# per account and address (django-axes): five in a row lock that pair out for 30 minutes.
# AxesBackend only refuses locked-out logins (ModelBackend behind it checks passwords); being
# first and able to load users, it is also what force_login and sessions name.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account_locked.html"
AXES_VERBOSE = False
# Visitors sign in on Wagtail's front-end login, the form private pages send them to; Django's
# default (/accounts/login/) is no page here, and files and videos redirect by this setting.
LOGIN_URL = "wagtailcore_login"
# That login in the site's own header and footer, in Chinese (Wagtail's is a bare form).
WAGTAIL_FRONTEND_LOGIN_TEMPLATE = "account/login.html"
# The admin's login with its password field labelled in Chinese.
WAGTAILADMIN_USER_LOGIN_FORM = "portal.login_form.AdminLoginForm"

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "OPTIONS": {
            # As APP_DIRS would, cached; the app templates' loader makes the few English
            # words Wagtail writes into its admin templates translatable.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "portal.upstream_templates.Loader",
                    ],
                ),
            ],
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# The embedded default is SQLite in the project root; DATABASE_URL points elsewhere
# (postgres://user@host:5432/name for production and for the PostgreSQL test run).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two admin requests at once (Wagtail's autosave while the editor submits) otherwise end in
    # "database is locked": a deferred transaction that turns into a write cannot wait.
    # Write-ahead logging: the server's readers and a writer (an editor, the worker, a view
    # counted) no longer block each other, and a commit appends to the log instead of
    # syncing the file twice (30 ms a commit here in the default rollback journal). With
    # synchronous=NORMAL a commit survives the process dying; only a power cut may lose the
    # last ones, never the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL puts the cache (pages, fragments, cards, and so Wagtail's settings cache) in
# Redis, shared by every app server; without it each process keeps its own in memory.
# Either is correct: what a page may show is decided by the generation in the database
# (caching/generations.py), which every process reads. Production refuses the per-process
# page cache all the same (production.py): each worker would fill its own copy.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "TIMEOUT": 300,
            "OPTIONS": {
                # Redis away: a cache miss (the page is made afresh), not a 500. A dead
                # server is given up on quickly and then skipped for a few seconds
                # (caching/failfast.py, which logs the outage once).
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.5,
                "CONNECTION_POOL_CLASS": "caching.failfast.FailFastConnectionPool",
            },
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False  # once per outage, by caching.failfast
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portal",
            # Room for whole pages: at the default 300 entries, culling would keep
            # throwing out the shared fragments.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Sessions in the database, Redis or not: a restart or an outage of Redis logs nobody out,
# and a session ended (logged out) while Redis was away cannot come back from a stale
# cached copy, as with cached_db. Only logged-in users have one, and reading it is one
# query by primary key.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Wagtail finds a rendition (an image at the size a page shows it) in the "renditions" cache
# before the database, and writes it back after each use: a page of cards with images was
# two Redis round trips per image. Each process keeps its own instead. A rendition's key
# names its image's file hash and crop, so it does not go stale; the hour bounds how long a
# worker remembers one deleted by `wagtail_update_image_renditions --purge-only`.
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "renditions",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# Whole pages for anonymous visitors (caching/middleware.py), purged on every published
# change; the TTL only clears out entries of retired generations.
PAGE_CACHE_ENABLED = os.environ.get("PAGE_CACHE_ENABLED", "1").lower() not in ("0", "false", "no")
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "600"))
PAGE_CACHE_EXCLUDE = [
    "/admin/",
    "/django-admin/",
    "/documents/",
    "/media-files/",
    "/media/",
    "/static/",
    "/api/",
    "/search/suggest/",
]

# The site settings put on each request from the cache (caching.middleware), and the apps
# every model of which is shown on public pages: a save or delete purges the cache
# (caching.signals; pages purge on publish instead).
CACHING_SITE_SETTINGS = ["portal.PortalSettings"]
# The small reference lists that pages name (caching.shared.reference_list): read with the
# site settings, the menu's pages and the private sections in one query (caching.snapshot).
CACHING_REFERENCE_LISTS = [
    "content.ResourceType",
    "content.Stage",
    "content.Subject",
    "content.Grade",
    "content.TextbookEdition",
    "content.School",
    "content.Level",
]
CACHING_PURGE_APPS = ["content", "home", "portal", "tracking"]
# The cache's scopes besides the shared one (caching.generations): a change makes cold only
# what was made from its scope. Page types name theirs (`cache_scope`); the models of an app
# listed here purge its scope, every other model purges everything.
CACHING_SCOPES = ["resources", "recordings", "news", "activities", "workshops", "forum", "tracking"]
CACHING_APP_SCOPES = {"tracking": "tracking"}
# After a publish, a background job renders the most visited pages (portal/warmup.py).
PAGE_WARMUP = os.environ.get("PAGE_WARMUP", "1").lower() not in ("0", "false", "no")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PROJECT_DIR / "locale"]

# Source assets live in the top-level static/ folder; collectstatic gathers everything,
# Wagtail's admin included, into staticfiles/, which WhiteNoise serves. No asset comes from
# another host: users are in mainland China, where foreign CDNs are slow or unreachable.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic's output, which nginx serves (deploy/nginx); deploy-smoke collects its own.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# S3_BUCKET moves uploads (images, documents, videos) to S3-compatible object storage: AWS,
# MinIO, 阿里云 OSS or 腾讯云 COS through S3_ENDPOINT_URL. Object URLs are unsigned: only the
# image prefixes are made public by the bucket policy (deploy/README.md); documents and
# videos stay private in the bucket and reach readers only through the portal's
# permission-checked views, which read them through the storage API.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
# Where the public images are fetched from, for the Content-Security-Policy below.
MEDIA_ORIGINS = []
if S3_BUCKET:
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_CUSTOM_DOMAIN = os.environ.get("S3_CUSTOM_DOMAIN", "")
    STORAGES["default"] = {
        # django-storages' S3Storage, with private images' URLs on the portal (privacy.storage)
        "BACKEND": "privacy.storage.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": S3_CUSTOM_DOMAIN or None,
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
            "location": os.environ.get("S3_LOCATION", ""),
            "default_acl": None,
            "querystring_auth": False,
            # Wagtail names files itself and expects an existing name to be kept.
            "file_overwrite": False,
        },
    }
    if S3_CUSTOM_DOMAIN:
        MEDIA_ORIGINS = [f"https://{S3_CUSTOM_DOMAIN}"]
    elif S3_ENDPOINT_URL:
        scheme, _, host = S3_ENDPOINT_URL.rstrip("/").partition("://")
        MEDIA_ORIGINS = [f"{scheme}://{host}", f"{scheme}://*.{host}"]
    else:
        MEDIA_ORIGINS = ["https://*.amazonaws.com", "https://*.amazonaws.com.cn"]
# Wagtail would redirect document downloads to the bucket's URL for remote storage, past
# the privacy check: the portal always serves them itself.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Background jobs (Django's task framework): rows in the database that `manage.py db_worker`
# runs (portal/jobs says why the database and not Redis). Two exceptions run at once, in the
# request, through the same framework: Wagtail's reference index, which file privacy
# (privacy/) is read from, so a page just published or made private never leaves its files
# wrongly public or private in between; and nothing else. Every queue is accepted, so that an
# app's `@task(queue_name=...)` needs no setting; the worker takes them all.
TASKS = {
    "default": {
        "BACKEND": "portal.jobs.backend.DatabaseBackend",
        "QUEUES": [],
        "OPTIONS": {"RUN_AT_ONCE": ["wagtail.tasks.update_reference_index_task"]},
    }
}
# A job that raises is run again after 30 s, 2 min and 8 min (each wait four times the one
# before), then left failed for an administrator to see (管理 → 后台任务).
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "4"))
JOBS_RETRY_DELAY = float(os.environ.get("JOBS_RETRY_DELAY", "30"))
JOBS_RETRY_FACTOR = 4
# A job still 运行中 after this long lost its worker (portal/jobs/retry.py): it is queued again.
# Longer than the longest job (transcoding a 45-minute lesson).
JOBS_STALE_AFTER = int(os.environ.get("JOBS_STALE_AFTER", str(3 * 3600)))
JOBS_KEEP_DAYS = 7  # finished jobs; failed ones stay until an administrator's prune
# Text extraction runs in the sandbox with this much address space and time (content/extraction).
EXTRACTION_MEMORY_MB = int(os.environ.get("EXTRACTION_MEMORY_MB", "256"))
EXTRACTION_TIMEOUT = float(os.environ.get("EXTRACTION_TIMEOUT", "30"))
# Images used only by private pages are stored under this prefix (privacy.images), which the
# web server and the bucket do not publish; their URLs reach the portal's checked view.
PRIVATE_MEDIA_PREFIX = "private/"
# With nginx in front and files on its disk: the `internal` location that serves MEDIA_ROOT,
# so that the portal answers a checked request with X-Accel-Redirect instead of streaming the
# file itself (deploy/nginx). Empty: the portal streams (development, object storage).
PRIVATE_MEDIA_ACCEL_REDIRECT = os.environ.get("PRIVATE_MEDIA_ACCEL_REDIRECT", "")

# Previews of attachments (content.previews): the first pages of DOCX, PPTX, XLSX and PDF files
# drawn by LibreOffice and pdftoppm in the sandbox, in a task after the upload commits.
# DOCUMENT_PREVIEWS=0 switches drawing off (a server without LibreOffice records why anyway).
DOCUMENT_PREVIEWS = os.environ.get("DOCUMENT_PREVIEWS", "1") != "0"
DOCUMENT_PREVIEW_PAGES = 5
# Address space, not memory used: LibreOffice cannot start within 400 MB; 600 MB converted
# both a one-page DOCX and a 43 MB deck of eight photos here; 1 GB leaves room and still stops
# a bomb. Seconds per file (a batch of files gets 10 s more per file).
DOCUMENT_PREVIEW_OFFICE_MEMORY_MB = 1024
DOCUMENT_PREVIEW_PDF_MEMORY_MB = 1024
DOCUMENT_PREVIEW_TIMEOUT = 60

# Content-Security-Policy (django-csp; portal/csp.py says why the admin has its own). Every
# asset is the portal's own; the only other hosts are the video sites' players that
# recording pages embed (content/video.py) and, with object storage, the images' host.
VIDEO_PLAYER_ORIGINS = [
    "https://player.bilibili.com",
    "https://player.youku.com",
    "https://v.qq.com",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *MEDIA_ORIGINS],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", *VIDEO_PLAYER_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
ADMIN_URL_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *MEDIA_ORIGINS],
        "media-src": ["'self'", "blob:"],
    },
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "红寺堡教育帮扶门户"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the admin must not call out to a foreign host
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # nor load avatars from one: the initials are shown

# URLs are shared as WeChat links, printed and turned into QR codes: ASCII slugs keep them
# short and unambiguous, where a Chinese slug triples in length once percent-encoded.
# Slugs left blank are filled from the title's pinyin (content.slugs).
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# Wagtail's database search, taught to cut Chinese into words (search/backends); the same
# backend serves the site search, the admin, choosers and the API.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "search.backends"},
}
# jieba builds its dictionary cache once (about a second) and reuses it from here.
JIEBA_CACHE_DIR = os.environ.get("JIEBA_CACHE_DIR", str(BASE_DIR / "var" / "cache" / "jieba"))
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "search.backends.elasticsearch",
        "URLS": [ELASTICSEARCH_URL],
        "INDEX": os.environ.get("ELASTICSEARCH_INDEX", "hongsibu_portal"),
        "TIMEOUT": 10,
        "OPTIONS": {},
        "INDEX_SETTINGS": {},
    }

WAGTAILDOCS_DOCUMENT_MODEL = "content.PortalDocument"
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "txt", "zip", "csv"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 100 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]  # no SVG: it can carry scripts
# A small file can unpack into a huge bitmap; 60 megapixels is more than any phone's photo.
# content.apps sets Pillow's own limit to the same and makes its bomb warning an error.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 60_000_000
# Videos and audio (wagtailmedia): types browsers play, checked by content too (content/uploads.py).
WAGTAILMEDIA = {
    "MEDIA_FORM_BASE": "content.media_forms.PortalMediaForm",
    "VIDEO_EXTENSIONS": ["mp4", "m4v", "webm", "mov"],
    "AUDIO_EXTENSIONS": ["mp3", "m4a", "aac", "wav", "ogg"],
}
# A 45-minute lesson recorded on a phone in 1080p is 1–3 GB. Past this an upload is refused
# with the limit in Chinese (content/uploads.py); nginx's client_max_body_size is a little more.
PORTAL_MEDIA_MAX_UPLOAD_SIZE = int(
    os.environ.get("PORTAL_MEDIA_MAX_UPLOAD_SIZE", str(4 * 1024 * 1024 * 1024))
)
# Uploads above 2.5 MB stream to a temporary file (Django's TemporaryFileUploadHandler), never
# into memory; put that file on a disk with room for a lesson video (not a tmpfs /tmp).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None
# Resource spreadsheets uploaded in the admin (教学资源 → 批量导入) wait here for their job,
# outside MEDIA_ROOT, on a disk the web processes and the job worker share.
PORTAL_IMPORT_ROOT = Path(os.environ.get("PORTAL_IMPORT_ROOT", BASE_DIR / "var" / "imports"))
PORTAL_IMPORT_MAX_SIZE = int(os.environ.get("PORTAL_IMPORT_MAX_SIZE", str(10 * 1024 * 1024)))
PORTAL_IMPORT_MAX_ROWS = int(os.environ.get("PORTAL_IMPORT_MAX_ROWS", "2000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
