"""What clients ask for at the site's root: /robots.txt, the sitemaps and /favicon.ico.

The sitemaps list the newest pages only, each file a few index range scans on published
dates (as the list pages read), so a million-article archive costs what a small one does:
search engines find older pages through the lists, and 50,000 URLs is a sitemap file's limit.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from math import ceil
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from newsdesk.enrich.dedup import originals
from newsdesk.models import Article, Category, Source, Story
from newsdesk.web.pages.stories import MIN_TOP_SOURCES

ARTICLES_PER_SITEMAP = 10_000
# Newest articles listed: ARTICLE_SITEMAPS files of ARTICLES_PER_SITEMAP.
ARTICLE_SITEMAPS = 5
# Stories told by several sources (a one-source story's page repeats its article), newest first.
STORIES_LISTED = 10_000
SOURCES_LISTED = 10_000
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML = "application/xml; charset=utf-8"
FAVICON = "newsdesk/favicon.ico"


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Keep crawlers off pages that are endless (search), costly (AI) or one reader's own."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed_paths()), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap_index'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def disallowed_paths() -> list[str]:
    """Path prefixes of search, the AI panel, accounts, moderation and readers' own lists, per language,
    and the API: its JSON repeats the pages, and a crawler would spend the developers' rate limit."""
    paths = [
        reverse("admin:index"),
        _up_to(reverse("account_login"), "login/"),
        _up_to(reverse("api:index"), "v1/"),
    ]
    for language, _ in settings.LANGUAGES:
        with translation.override(language):
            paths += [
                reverse("search"),
                _up_to(reverse("ai_article", args=["0" * 32]), "article/"),
                reverse("reader_profile"),
                reverse("moderation_queue"),
                reverse("for_you"),
                reverse("saved_articles"),
                _up_to(reverse("comment_post", args=["article", "0"]), "article/"),
                reverse("follow"),
                _up_to(reverse("save_article", args=["0" * 32]), "0" * 32),
            ]
    return list(dict.fromkeys(paths))


def _up_to(path: str, tail: str) -> str:
    """`path` without `tail` and what follows it: the prefix every URL of the kind shares."""
    return path[: path.index(tail)]


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page says; the file lives in static."""
    return HttpResponsePermanentRedirect(static(FAVICON))


def sitemap_index(request: HttpRequest) -> HttpResponse:
    """The sitemaps: reader pages (home, categories, sources), stories, the newest articles."""
    newest = originals(Article.objects.order_by("-published_at")).values("id")[
        : ARTICLES_PER_SITEMAP * ARTICLE_SITEMAPS
    ]
    article_files = ceil(newest.count() / ARTICLES_PER_SITEMAP)
    names = [
        reverse("sitemap_pages"),
        reverse("sitemap_stories"),
        *(reverse("sitemap_articles", args=[number]) for number in range(1, article_files + 1)),
    ]
    entries = "".join(
        f"<sitemap><loc>{escape(request.build_absolute_uri(name))}</loc></sitemap>\n" for name in names
    )
    return _xml(f'<sitemapindex xmlns="{SITEMAP_NAMESPACE}">\n{entries}</sitemapindex>\n')


def sitemap_pages(request: HttpRequest) -> HttpResponse:
    """The front page, each category and each source's page."""
    with translation.override(settings.LANGUAGE_CODE):
        paths = [reverse("home"), *(reverse("category", args=[value]) for value in Category.values)]
        source_url = _url_filler("source", "placeholder-slug")
        slugs = Source.objects.order_by("name").values_list("slug", flat=True)[:SOURCES_LISTED]
        paths += [source_url(slug) for slug in slugs]
    return _urlset(request, ((path, None) for path in paths))


def sitemap_stories(request: HttpRequest) -> HttpResponse:
    """The newest stories told by several sources, dated by their latest version."""
    stories = (
        Story.objects.filter(source_count__gte=MIN_TOP_SOURCES)
        .order_by("-last_published_at")
        .values_list("id", "last_published_at")[:STORIES_LISTED]
    )
    with translation.override(settings.LANGUAGE_CODE):
        story_url = _url_filler("story", "9876543210")
    return _urlset(request, ((story_url(story_id), last) for story_id, last in stories))


def sitemap_articles(request: HttpRequest, number: int) -> HttpResponse:
    """File `number` of the newest articles (syndicated copies left out), newest first."""
    if not 1 <= number <= ARTICLE_SITEMAPS:
        raise Http404("no such sitemap")
    offset = (number - 1) * ARTICLES_PER_SITEMAP
    rows = list(
        originals(Article.objects.order_by("-published_at")).values_list("id", "published_at", "modified_at")[
            offset : offset + ARTICLES_PER_SITEMAP
        ]
    )
    if not rows and number > 1:
        raise Http404("no such sitemap")
    with translation.override(settings.LANGUAGE_CODE):
        article_url = _url_filler("article", "0" * 32)
    return _urlset(request, ((article_url(id_), modified or published) for id_, published, modified in rows))


def _url_filler(name: str, placeholder: str) -> Callable[[object], str]:
    """reverse() costs about 100 µs; a sitemap of 10,000 URLs reverses once and fills each key in."""
    before, after = reverse(name, args=[placeholder]).split(placeholder)
    return lambda key: f"{before}{key}{after}"


def _urlset(request: HttpRequest, pages: Iterable[tuple[str, datetime | None]]) -> HttpResponse:
    site = request.build_absolute_uri("/").rstrip("/")
    entries = "".join(
        f"<url><loc>{escape(site + path)}</loc>"
        + (f"<lastmod>{changed.replace(microsecond=0).isoformat()}</lastmod>" if changed else "")
        + "</url>\n"
        for path, changed in pages
    )
    return _xml(f'<urlset xmlns="{SITEMAP_NAMESPACE}">\n{entries}</urlset>\n')


def _xml(body: str) -> HttpResponse:
    return HttpResponse(f'<?xml version="1.0" encoding="UTF-8"?>\n{body}', content_type=XML)
