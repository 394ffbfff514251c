"""Work visitors would otherwise wait for, done beforehand.

- `warm()`: what every worker process would do on its first requests, done once in
  gunicorn's master before it forks (deploy/gunicorn.conf.py), so that the workers share the
  result and a worker recycled after max_requests starts warm: the first home page of a
  fresh worker took 470 ms, the first search 800 ms, against 30 and 50 ms after.
- `warm_pages`: after a publish (which starts a new cache generation, caching.generations),
  a background job renders the most visited pages (the home page, the sections' lists,
  成效) into the shared caches, so that no visitor waits for their first render.
"""

import contextlib
import datetime
import logging
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import get_resolver
from django.utils import timezone, translation

from wagtail.models import Site

from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from caching.privacy import public
from content.models import SectionIndexPage
from search import analysis
from tracking.models import ResultsPage

logger = logging.getLogger(__name__)

# A burst of publishes (an editor's afternoon, a bulk import) asks for one rendering: the job
# waits this long, and a publish meanwhile finds it waiting.
WARM_DELAY = datetime.timedelta(seconds=5)


def project_templates():
    """Names of the portal's own templates (its apps' templates folders and DIRS)."""
    roots = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        folder = Path(config.path) / "templates"
        if folder.resolve().is_relative_to(base) and ".venv" not in folder.parts:
            roots.append(folder)
    for root in roots:
        for path in sorted(root.rglob("*.html")):
            name = path.relative_to(root).as_posix()
            # Overrides of Wagtail's own templates (a workflow e-mail, the document list)
            # are the admin's; the public workers never render them.
            if not name.startswith("wagtail"):
                yield name


def warm():
    analysis.load_word_lists()  # jieba's dictionary and pypinyin's tables
    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    get_resolver()._populate()
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("首页")  # loads the catalogues
        for name in project_templates():
            # Compiled and kept by the cached loader; one that does not compile would fail
            # when rendered too.
            with contextlib.suppress(TemplateDoesNotExist, TemplateSyntaxError):
                get_template(name)


def most_visited(site):
    """The paths of the site's most visited pages: home, its live public sections, 成效."""
    root = site.root_page
    children = public(root.get_children().live()).type(SectionIndexPage, ResultsPage)
    return [root.url_path, *(page.url_path for page in children)]


def render(site, url_path, handler):
    """Render one page as an anonymous visitor to the site gets it, through every
    middleware (the page cache stores it). The site's root path is the page's URL."""
    path = "/" + url_path.removeprefix(site.root_page.url_path)
    secure = site.port == 443
    request = RequestFactory().get(
        path,
        HTTP_HOST=site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}",
        SERVER_PORT=str(site.port),
        secure=secure,
    )
    return handler.get_response(request)


@task()
def warm_pages():
    handler = WSGIHandler()  # the project's middleware, as gunicorn runs it
    rendered = 0
    for site in Site.objects.select_related("root_page"):
        for url_path in most_visited(site):
            response = render(site, url_path, handler)
            if response.status_code == 200:
                rendered += 1
            else:
                logger.warning("warming %s%s: %s", site.hostname, url_path, response.status_code)
    return rendered


def _enqueue():
    backend = warm_pages.get_backend()
    if backend.supports_defer:
        waiting = DBTaskResult.objects.filter(
            task_path=warm_pages.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return  # the job asked for by an earlier publish has not started: it will do
        warm_pages.using(run_after=timezone.now() + WARM_DELAY).enqueue()
    else:
        warm_pages.enqueue()


def schedule_page_warmup(sender=None, **kwargs):
    """After the publish's transaction commits (the job must see it), unless turned off."""
    if settings.PAGE_WARMUP:
        transaction.on_commit(_enqueue)
