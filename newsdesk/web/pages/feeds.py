"""RSS feeds of the site's own lists, so readers can follow a category, source, hashtag or story.

Items link to our article page and carry the teaser only (description, else the start of the
text): the publisher's excerpt policy holds in a feed reader as on the site.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed

from newsdesk.enrich.dedup import originals
from newsdesk.ingest.feeds.cleaning import xml_safe
from newsdesk.models import Article, Category, Hashtag, Source, Story
from newsdesk.web.pages.article_page import teaser
from newsdesk.web.pages.hashtags import hashtag_named, hashtag_taggings

# Items per feed: a day of a busy category, few enough to keep the response small.
FEED_ITEMS = 50
TEASER_WORDS = 60


def _newest(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.select_related("source").defer("html").order_by("-published_at")[:FEED_ITEMS]


class XmlSafeRss(Rss201rev2Feed):
    """RSS that drops the characters XML cannot hold instead of failing the whole feed on them
    (articles stored before ingest stripped them, a source named in the admin)."""

    def __init__(self, title: str, link: str, description: str, **kwargs) -> None:
        super().__init__(xml_safe(title), link, xml_safe(description), **_xml_safe_values(kwargs))

    def add_item(self, title: str, link: str, description: str, **kwargs) -> None:
        super().add_item(xml_safe(title), link, xml_safe(description), **_xml_safe_values(kwargs))


def _xml_safe_values(fields: dict) -> dict:
    return {name: xml_safe(value) if isinstance(value, str) else value for name, value in fields.items()}


class ArticleFeed(Feed):
    """The shared item fields; subclasses say which articles and how the feed is named."""

    feed_type = XmlSafeRss

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return teaser(item, TEASER_WORDS)

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Article) -> str:
        return item.id

    item_guid_is_permalink = False

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.source.name

    def item_categories(self, item: Article) -> list[str]:
        return [Category(item.category).label] if item.category in Category.values else []


class LatestFeed(ArticleFeed):
    def title(self) -> str:
        return f"{settings.SITE_NAME}: latest news"

    def link(self) -> str:
        return reverse("home")

    def description(self) -> str:
        return f"The newest stories on {settings.SITE_NAME}, from every publisher it follows."

    def items(self) -> QuerySet[Article]:
        return _newest(originals(Article.objects.all()))


class CategoryFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Category:
        if slug not in Category.values:
            raise Http404("no such category")
        return Category(slug)

    def title(self, category: Category) -> str:
        return f"{settings.SITE_NAME}: {category.label}"

    def link(self, category: Category) -> str:
        return reverse("category", args=[category.value])

    def description(self, category: Category) -> str:
        return f"The newest {category.label.lower()} stories on {settings.SITE_NAME}."

    def items(self, category: Category) -> QuerySet[Article]:
        return _newest(originals(Article.objects.filter(category=category.value)))


class SourceFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Source:
        return get_object_or_404(Source, slug=slug)

    def title(self, source: Source) -> str:
        return f"{settings.SITE_NAME}: {source.name}"

    def link(self, source: Source) -> str:
        return reverse("source", args=[source.slug])

    def description(self, source: Source) -> str:
        return f"The newest stories from {source.name} on {settings.SITE_NAME}."

    def items(self, source: Source) -> QuerySet[Article]:
        return _newest(originals(Article.objects.filter(source=source)))


class HashtagFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, tag: str) -> Hashtag:
        found = hashtag_named(tag)
        if found is None:
            raise Http404("no such hashtag")
        return found

    def title(self, hashtag: Hashtag) -> str:
        return f"{settings.SITE_NAME}: #{hashtag.name}"

    def link(self, hashtag: Hashtag) -> str:
        return hashtag.get_absolute_url()

    def description(self, hashtag: Hashtag) -> str:
        return f"The newest stories tagged #{hashtag.name} on {settings.SITE_NAME}."

    def items(self, hashtag: Hashtag) -> QuerySet[Article]:
        # Through the tag rows' own date index, as the hashtag page reads them.
        newest = (
            hashtag_taggings(hashtag)
            .order_by("-published_at")
            .values_list("article_id", flat=True)[:FEED_ITEMS]
        )
        return _newest(Article.objects.filter(id__in=list(newest)))


class StoryFeed(ArticleFeed):
    """Every new version of one developing story, copies included: each names its publisher."""

    def get_object(self, request: HttpRequest, story_id: int) -> Story:
        return get_object_or_404(Story, id=story_id)

    def title(self, story: Story) -> str:
        return f"{settings.SITE_NAME}: {story.title}"

    def link(self, story: Story) -> str:
        return reverse("story", args=[story.id])

    def description(self, story: Story) -> str:
        return f"Every source's version of this story on {settings.SITE_NAME}, newest first."

    def items(self, story: Story) -> QuerySet[Article]:
        return _newest(Article.objects.filter(story=story))
