"""Nothing is loaded from another host: users in mainland China cannot rely on foreign CDNs."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ["portal", "home", "content", "search", "static"]
EXTERNAL = re.compile(r"(?:https?:)?//(?!www\.w3\.org/2000/svg)[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.I)


def asset_files():
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".html", ".css", ".js", ".svg"}:
                yield path


def test_there_are_templates_and_stylesheets_to_check():
    suffixes = {p.suffix for p in asset_files()}
    assert {".html", ".css"} <= suffixes


@pytest.mark.parametrize("path", list(asset_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_or_stylesheet_names_another_host(path):
    assert EXTERNAL.findall(path.read_text(encoding="utf-8")) == []


def test_the_pattern_catches_what_it_should():
    assert EXTERNAL.findall('<script src="https://cdn.jsdelivr.net/x.js">')
    assert EXTERNAL.findall("@import url(//fonts.googleapis.com/css)")
    assert not EXTERNAL.findall('<svg xmlns="http://www.w3.org/2000/svg">')
    assert not EXTERNAL.findall('<a href="/static/css/portal.css">')


TAG = re.compile(r"<(script|img|link|iframe|source|video)\b([^>]*)>", re.I)
ATTR = re.compile(r'\b(src|href|poster|rel)="([^"]*)"')
# <link> tags that name a URL without loading it
REFERENCE_ONLY = {"canonical", "alternate"}


def loaded_urls(html):
    for tag, attrs in TAG.findall(html):
        values = dict(ATTR.findall(attrs))
        if tag.lower() == "link" and values.get("rel") in REFERENCE_ONLY:
            continue
        yield from (values[a] for a in ("src", "href", "poster") if a in values)


def test_loaded_urls_reads_tags_as_a_browser_would():
    html = (
        '<link rel="stylesheet" href="//cdn.example/x.css">'
        '<link rel="canonical" href="http://portal.example/a/">'
        '<img src="/media/a.png" alt="">'
    )
    assert list(loaded_urls(html)) == ["//cdn.example/x.css", "/media/a.png"]


@pytest.mark.django_db
def test_rendered_pages_load_assets_only_from_the_portal(client, demo_site):
    for url in ["/", "/about/", "/resources/", "/search/?q=精品课"]:
        html = client.get(url).content.decode()
        for ref in loaded_urls(html):
            assert ref.startswith("/") and not ref.startswith("//"), (url, ref)


def test_stylesheet_is_found_by_staticfiles():
    assert finders.find("css/portal.css")
    assert finders.find("img/favicon.svg")
