"""The reader pages. Views only turn requests into queries and templates; the logic lives beside them."""

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from newsdesk.enrich.dedup import originals
from newsdesk.enrich.hashtags.trending import trending_hashtags
from newsdesk.models import Article, Category, Source
from newsdesk.store.search import parse_query, search_articles
from newsdesk.web.comments.lib import attach_comment_counts
from newsdesk.web.pages.article_page import article_aside, article_context
from newsdesk.web.pages.hashtags import hashtag_named, hashtag_taggings
from newsdesk.web.pages.redirects import moved_article
from newsdesk.web.pages.status import crawl_status
from newsdesk.web.pages.stories import home_lead, top_stories
from newsdesk.web.paging import articles_page, queryset_fetcher, requested_page, slice_page

# Hashtags in the home page's "Trending" list.
TRENDING_SIZE = 10
# Stories per category block on the home page.
HOME_SECTION_SIZE = 4
# Longer queries are typing accidents or abuse; the words that matter come first.
MAX_QUERY_LENGTH = 200


def _articles() -> QuerySet[Article]:
    # Lists never show the body HTML, the biggest column, nor a syndicated copy twice. Sources come
    # in a second query: joined, SQLite's planner starts from the small source table and sorts every
    # article by date for one page.
    return originals(Article.objects.prefetch_related("source").defer("html").order_by("-published_at"))


def _listing(request: HttpRequest, queryset: QuerySet, **context) -> HttpResponse:
    page = slice_page(queryset_fetcher(queryset), requested_page(request), settings.NEWSDESK_PAGE_SIZE)
    return render(request, "newsdesk/listing.html", {"page": page, **context})


def home(request: HttpRequest) -> HttpResponse:
    number = requested_page(request)
    page = slice_page(queryset_fetcher(_articles()), number, settings.NEWSDESK_PAGE_SIZE)
    sections, top, trending, lead, latest = [], [], [], None, page.items
    if number == 1 and page.items:
        top = top_stories()
        lead = home_lead(top, page.items, _articles())
        latest = [article for article in page.items if article.id != lead.article.id]
        trending = trending_hashtags(timezone.now(), TRENDING_SIZE)
        for category in Category:
            stories = list(_articles().filter(category=category.value)[:HOME_SECTION_SIZE])
            if stories:
                sections.append({"category": category, "articles": stories})
    attach_comment_counts(
        [
            *page.items,
            *([lead.article] if lead else []),
            *(article for section in sections for article in section["articles"]),
        ],
        [entry.story for entry in top],
    )
    status = None if page.items else crawl_status()
    response = render(
        request,
        "newsdesk/home.html",
        {
            "page": page,
            "lead": lead,
            "latest": latest,
            "sections": sections,
            "top_stories": top,
            "trending": trending,
            "status": status,
        },
    )
    if status is not None:
        # The crawler's progress changes with every poll, which does not invalidate cached pages.
        patch_cache_control(response, no_cache=True)
    return response


def article(request: HttpRequest, article_id: str) -> HttpResponse:
    story = Article.objects.select_related("source").filter(id=article_id).first()
    if story is None:
        return moved_article(request, article_id)
    context = article_context(story, request.build_absolute_uri(story.get_absolute_url()))
    context["aside"] = article_aside(story)
    return render(request, "newsdesk/article.html", context)


def hashtag(request: HttpRequest, tag: str) -> HttpResponse:
    found = hashtag_named(tag)
    if found is None:
        raise Http404("no such hashtag")
    if tag != found.name:
        target = found.get_absolute_url()
        if request.GET:
            target += "?" + request.GET.urlencode()
        return HttpResponsePermanentRedirect(target)
    taggings = (
        hashtag_taggings(found)
        .select_related("article__source")
        .defer("article__html")
        .order_by("-published_at")
    )
    page = articles_page(request, taggings)
    return render(
        request,
        "newsdesk/listing.html",
        {
            "page": page,
            "heading": f"Latest news with #{found.name}",
            "page_title": f"#{found.name}",
            "feed_url": reverse("hashtag_feed", args=[found.name]),
            "empty_text": f"No stories carry #{found.name} any more.",
        },
    )


def category(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in Category.values:
        raise Http404("no such category")
    label = Category(slug).label
    return _listing(
        request,
        _articles().filter(category=slug),
        heading=label,
        page_title=label,
        feed_url=reverse("category_feed", args=[slug]),
        empty_text=f"No {label.lower()} stories yet.",
    )


def source(request: HttpRequest, slug: str) -> HttpResponse:
    publisher = get_object_or_404(Source, slug=slug)
    return _listing(
        request,
        _articles().filter(source=publisher),
        heading=publisher.name,
        page_title=publisher.name,
        source=publisher,
        feed_url=reverse("source_feed", args=[publisher.slug]),
        empty_text=f"Nothing from {publisher.name} has been fetched yet.",
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    # Punctuation alone ("*", "-") searches for nothing: asked for words, as the API's `q` is.
    has_words = bool(parse_query(query))
    page = slice_page(
        lambda limit, offset: search_articles(query, limit=limit, offset=offset),
        requested_page(request) if has_words else 1,
        settings.NEWSDESK_PAGE_SIZE,
    )
    return render(
        request,
        "newsdesk/listing.html",
        {
            "page": page,
            "query": query,
            "ranked": True,  # pages follow relevance, not time: "next", not "older"
            "heading": f"Results for “{query}”" if has_words else "Search",
            "page_title": f"Search: {query}" if has_words else "Search",
            "empty_text": "No stories match every word of your search."
            if has_words
            else "Type words to search for.",
        },
    )
