import pytest

from content.slugs import pinyin_slug, unique_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("精品课：函数的单调性 (Unit 3)", "jingpinke-hanshudedandiaoxing-unit-3"),
        ("红寺堡区罗山中学", "hongsibaoquluoshanzhongxue"),
        ("Python 编程", "python-biancheng"),
        ("2023年秋季学期", "2023-nianqiujixueqi"),
        ("😀！", ""),
    ],
)
def test_pinyin_slug(title, slug):
    assert pinyin_slug(title) == slug


def test_pinyin_slug_is_cut_at_a_word_boundary():
    slug = pinyin_slug("名师工作室 " * 20, max_length=40)
    assert len(slug) <= 40
    assert slug.split("-")[-1] == "mingshigongzuoshi"


def test_unique_slug_counts_up():
    assert unique_slug("about", {"about", "about-2"}) == "about-3"
    assert unique_slug("news", set()) == "news"
