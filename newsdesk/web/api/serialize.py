"""The API's JSON shapes. Field names are part of the v1 promise (docs/api.md): add, never rename.

Ids are strings, times ISO 8601 in UTC with a Z, links absolute.
"""

from datetime import UTC, datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from newsdesk.models import Article, Category, Hashtag, Source, Story
from newsdesk.models.sources import DisplayPolicy
from newsdesk.web.api.lib import (
    ArticleDetail,
    ArticlePage,
    CoveragePage,
    HashtagDetail,
    SourcePage,
    StoryPage,
)
from newsdesk.web.api.params import Cursor, encode_cursor
from newsdesk.web.pages.article_page import author_names, shown_description


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Links:
    """Absolute links, to the API and to the reader pages, for one request."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def api(self, name: str, *args, query: dict | None = None) -> str:
        path = reverse(f"api:{name}", args=args)
        return self.absolute(f"{path}?{urlencode(query)}" if query else path)

    def same_query(self, url: str) -> str:
        """`url` asked with this request's query (a merged story's new address keeps the page asked for)."""
        query = self.request.GET.urlencode()
        return f"{url}?{query}" if query else url

    def page(self, cursor: Cursor | None) -> str | None:
        """This request's URL at another cursor, every other parameter kept."""
        if cursor is None:
            return None
        params = self.request.GET.copy()
        params["cursor"] = encode_cursor(cursor)
        return self.absolute(f"{self.request.path}?{params.urlencode()}")


def source_brief(source: Source) -> dict:
    return {"slug": source.slug, "name": source.name, "homepage": source.homepage_url or None}


def source_json(source: Source, links: Links) -> dict:
    return {
        **source_brief(source),
        "latest_published_at": iso(getattr(source, "latest_published_at", None)),
        "site_url": links.absolute(reverse("source", args=[source.slug])),
        "articles_url": links.api("articles", query={"source": source.slug}),
    }


def source_page_json(page: SourcePage, links: Links) -> dict:
    return {
        "results": [source_json(source, links) for source in page.sources],
        "next": links.page(page.next),
        "previous": links.page(page.previous),
    }


def story_link(story_id: int | None, links: Links) -> dict | None:
    if story_id is None:
        return None
    return {"id": str(story_id), "api_url": links.api("story", story_id)}


def article_ref(article: Article, links: Links) -> dict:
    """An article named in another answer (a story's versions, related articles)."""
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "site_url": links.absolute(article.get_absolute_url()),
        "api_url": links.api("article", article.id),
        "source": source_brief(article.source),
        "published_at": iso(article.published_at),
        "duplicate_of": article.duplicate_of_id,
    }


def article_summary(article: Article, hashtags: list[str], links: Links) -> dict:
    """An article in a list: everything but the body."""
    return {
        "id": article.id,
        "title": article.title,
        "description": shown_description(article),
        "url": article.url,
        "canonical_url": article.canonical_url,
        "site_url": links.absolute(article.get_absolute_url()),
        "api_url": links.api("article", article.id),
        "source": source_brief(article.source),
        "authors": author_names(article.authors),
        "published_at": iso(article.published_at),
        "modified_at": iso(article.modified_at),
        "language": article.language or None,
        "category": article.category,
        "category_confidence": round(article.category_confidence, 4),
        "hashtags": hashtags,
        "image": article.image_url or None,
        "story": story_link(article.story_id, links),
        "duplicate_of": article.duplicate_of_id,
    }


def article_page_json(page: ArticlePage, links: Links) -> dict:
    return {
        "results": [article_summary(a, page.hashtags.get(a.id, []), links) for a in page.articles],
        "next": links.page(page.next),
        "previous": links.page(page.previous),
    }


def article_detail_json(detail: ArticleDetail, links: Links) -> dict:
    """The article with its body as its page shows it: the text only where the source allows it."""
    article, page = detail.article, detail.page
    full = page["show_full"]
    return {
        **article_summary(article, [tag.name for tag in page["hashtags"]], links),
        "copies": detail.copies,
        "display_policy": DisplayPolicy.FULL.value if full else DisplayPolicy.EXCERPT.value,
        "text": (article.text or article.description) if full else None,
        # The page's own body (images given an alt), None under the excerpt policy or when blank.
        "html": str(page["body_html"]) if page["body_html"] else None,
        "excerpt": None if full else page["excerpt"],
        "related": [article_ref(related, links) for related in detail.related],
    }


def story_json(story: Story, first_report: Article | None, links: Links, **counts: int) -> dict:
    """A story; `counts` (source_count, article_count) override the stored ones when given."""
    return {
        "id": str(story.id),
        "title": story.title,
        "source_count": counts.get("source_count", story.source_count),
        "article_count": counts.get("article_count", story.article_count),
        "first_report": None
        if first_report is None
        else {
            "article_id": first_report.id,
            "source": source_brief(first_report.source),
            "published_at": iso(first_report.published_at),
        },
        "representative": article_ref(story.representative, links) if story.representative else None,
        "first_published_at": iso(story.first_published_at),
        "last_published_at": iso(story.last_published_at),
        "updated_at": iso(story.updated_at),
        "site_url": links.absolute(story.get_absolute_url()),
        "api_url": links.api("story", story.id),
    }


def story_page_json(page: StoryPage, links: Links) -> dict:
    return {
        "results": [story_json(story, page.first_reports.get(story.id), links) for story in page.stories],
        "next": links.page(page.next),
        "previous": links.page(page.previous),
    }


def story_coverage_json(page: CoveragePage, links: Links) -> dict:
    """Full coverage: the page's grouping by source (first reporter first) and a page of its timeline."""
    context = page.coverage
    return {
        **story_json(
            context["story"],
            context["first_report"],
            links,
            source_count=context["source_count"],
            article_count=context["article_count"],
        ),
        "coverage": [
            {
                "source": source_brief(group.source),
                "first_to_report": index == 0,
                "articles": [article_ref(article, links) for article in group.articles],
                "more_articles": group.more,
            }
            for index, group in enumerate(context["coverage"])
        ],
        "timeline": [article_ref(article, links) for article in page.timeline],
        "next": links.page(page.next),
        "previous": links.page(page.previous),
    }


def hashtag_links(hashtag: Hashtag, links: Links) -> dict:
    """Where a hashtag is: its page, its API answer, and its articles."""
    return {
        "site_url": links.absolute(hashtag.get_absolute_url()),
        "api_url": links.api("hashtag", hashtag.name),
        "articles_url": links.api("articles", query={"hashtag": hashtag.name}),
    }


def trending_json(scored: list[tuple[Hashtag, float]], links: Links) -> dict:
    return {
        "results": [
            {"name": hashtag.name, "score": round(score, 4), **hashtag_links(hashtag, links)}
            for hashtag, score in scored
        ]
    }


def hashtag_json(detail: HashtagDetail, links: Links) -> dict:
    hashtag = detail.hashtag
    return {
        "name": hashtag.name,
        **hashtag_links(hashtag, links),
        "feed_url": links.absolute(reverse("hashtag_feed", args=[hashtag.name])),
        "article_count_24h": detail.article_count_24h,
        "article_count_7d": detail.article_count_7d,
        "latest_published_at": iso(detail.latest_published_at),
    }


def categories_json(links: Links) -> dict:
    return {
        "results": [
            {
                "slug": category.value,
                "name": category.label,
                "site_url": links.absolute(reverse("category", args=[category.value])),
                "articles_url": links.api("articles", query={"category": category.value}),
            }
            for category in Category
        ]
    }
