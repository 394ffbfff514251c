"""Work every worker process would otherwise do on its first requests, done once in
gunicorn's master before it forks (deploy/gunicorn.conf.py), so that the workers share the
result and a worker recycled after max_requests starts warm: the first home page of a fresh
worker took 470 ms, the first search 800 ms, against 30 and 50 ms after."""

import contextlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

from search import analysis


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
    analysis.tokenizer()  # jieba's dictionary and the pinyin tables
    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    get_resolver()._populate()
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("首页")  # loads the catalogues
        for name in project_templates():
            # Compiled and kept by the cached loader; one that does not compile would fail
            # when rendered too.
            with contextlib.suppress(TemplateDoesNotExist, TemplateSyntaxError):
                get_template(name)
