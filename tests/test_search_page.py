"""The search page answers any query with a page, never a server error."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

ODD_QUERIES = [
    "",
    "   ",
    "a" * 2000,
    "精" * 2000,
    "' OR 1=1 --",
    "'; DROP TABLE wagtailcore_page; --",
    '"unbalanced',
    "(((",
    "NEAR(a b)",
    "AND OR NOT",
    "title:精品课",
    "*",
    "-",
    "精品课 -数学",
    "😀🎓",
    "\x00",
    "a\x00b",
    "%",
    "_",
    "\\",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_any_query_returns_a_page(client, demo_site, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_bad_page_numbers_fall_back_to_a_page(client, demo_site):
    for page in ["0", "-1", "abc", "99999"]:
        assert client.get("/search/", {"q": "关于项目", "page": page}).status_code == 200


def test_finds_a_page_by_its_title(client, demo_site):
    html = client.get("/search/", {"q": "关于项目"}).content.decode()
    assert '<a href="/about/">关于项目</a>' in html
    assert "找到 1 条" in html


def test_empty_result_says_so_helpfully(client, demo_site):
    html = client.get("/search/", {"q": "不存在的内容xyz"}).content.decode()
    assert "没有找到与“不存在的内容xyz”相关的内容" in html
    assert "同课异构" in html  # a suggestion of what to try


def test_private_pages_are_not_found(client, demo_site):
    from wagtail.models import PageViewRestriction

    from content.models import StandardPage

    about = StandardPage.objects.get(slug="about")
    PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
    html = client.get("/search/", {"q": "关于项目"}).content.decode()
    assert '<a href="/about/">' not in html
