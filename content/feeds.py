"""RSS and Atom feeds, so other school sites and readers follow the portal.

Only live, public pages appear: a feed is read by anyone who has its address.
"""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from wagtail.models import Page

from content.models import NewsPage, RecordingPage, ResourcePage, WorkshopPage

FEED_LENGTH = 30


class PageFeed(Feed):
    model = None
    title = ""
    description = ""
    link = "/"

    def pages(self, obj):
        return self.model.objects.live().public()

    def items(self, obj=None):
        return self.pages(obj).specific().order_by("-first_published_at")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.get_meta_description()

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [str(item.specific_class._meta.verbose_name)]


class NewsFeed(PageFeed):
    model = NewsPage
    title = "红寺堡教育帮扶门户 · 新闻动态"
    description = "“组团式”教育帮扶的新闻与专题报道"
    link = "/news/"


class ResourceFeed(PageFeed):
    model = ResourcePage
    title = "红寺堡教育帮扶门户 · 教学资源"
    description = "新发布的课件、教案、学案、试题与校本教材"
    link = "/resources/"


class RecordingFeed(PageFeed):
    model = RecordingPage
    title = "红寺堡教育帮扶门户 · 课堂实录"
    description = "新发布的精品课、示范课、公开课与同课异构实录"
    link = "/recordings/"


class WorkshopFeed(PageFeed):
    """Everything a workshop publishes, as its page lists it."""

    description = "工作室新发布的资源、课堂实录与活动"

    def get_object(self, request, slug):
        return get_object_or_404(WorkshopPage.objects.live().public(), slug=slug)

    def title(self, obj):
        return f"红寺堡教育帮扶门户 · {obj.title}"

    def link(self, obj):
        return obj.url

    def pages(self, obj):
        return Page.objects.filter(
            Q(pk__in=obj.published_resources().values("pk"))
            | Q(pk__in=obj.published_recordings().values("pk"))
            | Q(pk__in=obj.published_activities().values("pk"))
        )


def atom(feed_class):
    return type(
        f"Atom{feed_class.__name__}",
        (feed_class,),
        {"feed_type": Atom1Feed, "subtitle": feed_class.description},
    )
