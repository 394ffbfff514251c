"""The Content-Security-Policy is served, and the public pages satisfy it."""

from html.parser import HTMLParser

import pytest

from tests.factories import make_document, make_recording, make_resource

EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}


class InlineCode(HTMLParser):
    """Collects what `script-src 'self'; style-src 'self'` would block in a page."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        script_type = (attrs.get("type") or "").lower()
        if tag == "script" and "src" not in attrs and script_type in EXECUTABLE_SCRIPT_TYPES:
            self.found.append(f"inline <script> {attrs}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            script_url = (value or "").strip().lower().startswith("javascript:")
            if name == "style" or name.startswith("on") or script_url:
                self.found.append(f'{name}="{value}" on <{tag}>')


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_public_pages_carry_no_inline_code_the_policy_would_block(client, demo_site):
    resource = make_resource("函数的单调性教案", documents=[make_document("函数的单调性")])
    recording = make_recording(
        "函数的单调性", video_url="https://www.bilibili.com/video/BV1xx411c7mD"
    )
    urls = ["/", "/resources/", resource.url, recording.url, "/search/?q=函数", "/results/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert inline_code(html) == [], url
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
    # The embedded player is one the policy lets in.
    assert "https://player.bilibili.com/" in client.get(recording.url).content.decode()


def test_the_checker_finds_what_the_policy_blocks():
    page = (
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script>'
        '<script type="application/json">{}</script><a href="javascript:x()">b</a>'
        "<style>p{}</style>"
    )
    assert len(inline_code(page)) == 5


@pytest.mark.django_db
def test_the_public_policy_allows_only_the_portal_and_the_video_players(client, demo_site):
    policy = directives(client.get("/")["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert set(policy["frame-src"]) == {
        "'self'",
        "https://player.bilibili.com",
        "https://player.youku.com",
        "https://v.qq.com",
    }
    assert all("unsafe" not in source for sources in policy.values() for source in sources)


@pytest.mark.django_db
def test_the_admin_has_its_own_policy_still_closed_to_other_hosts(client, demo_site):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("csp-admin", "a@example.cn", "x"))
    policy = directives(client.get("/admin/")["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert not [
        s
        for sources in policy.values()
        for s in sources
        if s.startswith("http") and "player" not in s and s != "https://v.qq.com"
    ]
