"""Whole-page cache for anonymous readers, invalidated by a content generation.

Every cached page's key carries the current generation of what it shows (the whole
site, or one article). Any write to articles, hashtags, stories, sources or comments
bumps the generation once its transaction commits, so the next request misses and
renders fresh; pages cached under the old generation simply age out (TTL backstop).

The generation lives in the shared cache (Redis) when there is one, so every web
server and worker agrees. On the embedded default the cache is per process, so the
generation is kept in a small file all processes of the machine read (at most once a
second per process: another process's change shows within a second).

Hits are served by `PageCacheMiddleware`, near the top of MIDDLEWARE, so a hit skips
sessions, CSRF, auth and messages; `cached_page` marks the views it may serve and stores
what they render. In front of all this, nginx micro-caches anonymous pages for a few
seconds (deploy/nginx/newsdesk-page-cache.conf).
"""

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial, wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re, patch_vary_headers

SITE = "site"
# Long beyond any page TTL: a generation that expires is recreated from the clock, never reused.
GENERATION_TIMEOUT = 24 * 3600
# Headers a cached page may vary on: the URL carries the language, and cached pages
# are only ever served to requests without a session.
ALLOWED_VARY = {"cookie", "accept-language"}
# Headers of the rendered response worth keeping; cookies are never stored.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "Link")
CACHE_HEADER = "X-Cache"
# How stale this process's copy of the generation file may be: a read per request cost more
# than the rest of a cache hit.
GENERATION_FILE_REREAD_SECONDS = 1.0
# Request attribute: the key the middleware looked up and missed, so the view does not look again
# and leaves storing to the middleware.
_MISSED_KEY = "_newsdesk_page_cache_missed"

Scopes = Callable[..., Iterable[str]]


def site_scope(request: HttpRequest, **view_kwargs) -> tuple[str, ...]:
    return (SITE,)


def article_scope(request: HttpRequest, article_id: str, **view_kwargs) -> tuple[str, ...]:
    """An article page changes with the article (its text, hashtags, comments), not with every crawl."""
    return (f"article:{article_id}",)


def cached_page(view: Callable | None = None, *, scopes: Scopes = site_scope) -> Callable:
    """Serve anonymous GET requests for `view` from the cache; usable as @cached_page or cached_page(view)."""
    if view is None:
        return partial(cached_page, scopes=scopes)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        behind_middleware = hasattr(request, _MISSED_KEY)
        if not behind_middleware:
            key = _page_key(request, content_generations(scopes(request, **kwargs)))
            stored = cache.get(key)
            if stored is not None:
                return _rebuild(stored)
        response = view(request, *args, **kwargs)
        # Cookie matters to anyone caching downstream: a reader with a session sees another page.
        patch_vary_headers(response, ("Cookie",))
        if _storable(request, response):
            response[CACHE_HEADER] = "miss"
            # Behind PageCacheMiddleware the page is stored on the way out, with the headers the
            # other middleware add (X-Frame-Options, Content-Language), as hits skip them.
            if not behind_middleware:
                cache.set(key, _freeze(response), settings.NEWSDESK_PAGE_CACHE_SECONDS)
        return response

    wrapper.page_cache_scopes = scopes
    return wrapper


class PageCacheMiddleware:
    """Answer a cache hit before sessions, CSRF, auth and messages run: they cost more than the hit.

    Goes right after SecurityMiddleware (whose headers every response needs). It only
    serves pages of views wrapped in `cached_page`; those store what they render.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _cacheable_request(request):
            match = _cached_view_match(request)
            if match is not None:
                key = _page_key(
                    request, content_generations(match.func.page_cache_scopes(request, **match.kwargs))
                )
                stored = cache.get(key)
                if stored is not None:
                    request.resolver_match = match  # for the metrics middleware's label
                    return _rebuild(stored)
                setattr(request, _MISSED_KEY, key)
                response = self.get_response(request)
                # The view said "miss" if it may be stored; recheck what the middleware since added.
                if response.get(CACHE_HEADER) == "miss" and _storable(request, response):
                    cache.set(key, _freeze(response), settings.NEWSDESK_PAGE_CACHE_SECONDS)
                return response
        return self.get_response(request)


def _cached_view_match(request: HttpRequest) -> ResolverMatch | None:
    """The URL's match if its view is a `cached_page` (resolved in the URL's language, as Django will)."""
    with translation.override(_language(request)):
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
    return match if hasattr(match.func, "page_cache_scopes") else None


def cached_fragment(name: str, scopes: Iterable[str], render: Callable[[], str], seconds: int) -> str:
    """`render()`'s HTML, kept under the current generations of `scopes`: any content change
    renders it afresh, and pages that are not cached whole (signed-in readers, misses) reuse it."""
    if seconds <= 0:
        return render()
    scopes = tuple(scopes)
    key = f"newsdesk:fragment:{name}:{'.'.join(map(str, content_generations(scopes)))}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, seconds)
    return html


def content_generations(scopes: Iterable[str]) -> tuple[int, ...]:
    """The current generation of each scope (0 for one never bumped)."""
    scopes = tuple(scopes)
    if not _cache_is_shared():
        return (_file_generation(),)
    keys = [_generation_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    return tuple(int(found.get(key, 0)) for key in keys)


def bump_content_generation(article_ids: Iterable[str] = ()) -> None:
    """Invalidate the site's pages and those of `article_ids` (call after the change is committed)."""
    if not _cache_is_shared():
        _touch_generation_file()
        return
    for scope in (SITE, *(f"article:{article_id}" for article_id in article_ids)):
        key = _generation_key(scope)
        try:
            cache.incr(key)
        except ValueError:
            if not cache.add(key, time.time_ns(), GENERATION_TIMEOUT):
                cache.incr(key)


# A story's pages each show its size and first versions; past this many, only the newest pages
# are refreshed at once and the TTL catches the rest.
STORY_PAGES_REFRESHED = 500


def pages_showing_enrichment(article_id: str) -> list[str]:
    """Article pages that change when `article_id` is enriched: its own, and its story's members'."""
    if not _cache_is_shared():
        return [article_id]  # one generation for the whole site: a bump refreshes every page
    from newsdesk.models import Article

    story_id = Article.objects.filter(id=article_id).values_list("story_id", flat=True).first()
    if story_id is None:
        return [article_id]
    members = (
        Article.objects.filter(story_id=story_id)
        .exclude(id=article_id)
        .order_by("-published_at")
        .values_list("id", flat=True)[:STORY_PAGES_REFRESHED]
    )
    return [article_id, *members]


def bump_on_commit(article_ids: Iterable[str] = ()) -> None:
    """Bump once the transaction commits, so no reader caches the old rows under the new generation."""
    transaction.on_commit(partial(bump_content_generation, tuple(article_ids)))


def connect_invalidation_signals() -> None:
    """Bump the generation whenever a model that pages show is saved or deleted."""
    from newsdesk.models import Article, ArticleHashtag, Comment, Hashtag, Source, Story

    article_of = {
        Article: lambda row: row.pk,
        ArticleHashtag: lambda row: row.article_id,
        Comment: lambda row: row.article_id,
        Hashtag: lambda row: None,
        Source: lambda row: None,
        Story: lambda row: None,
    }

    def changed(sender, instance, **kwargs) -> None:
        article_id = article_of[sender](instance)
        bump_on_commit([article_id] if article_id else [])

    for model in article_of:
        uid = f"newsdesk-page-cache-{model.__name__}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)


def _cacheable_request(request: HttpRequest) -> bool:
    if settings.NEWSDESK_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    # A session or pending messages mean this reader may see something of their own.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # A rendered CSRF token or a touched session belongs to this one reader.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = {
        part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")
    }
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    varies = {header.lower() for header in cc_delim_re.split(response.get("Vary", "")) if header}
    return varies <= ALLOWED_VARY


def _page_key(request: HttpRequest, generations: tuple[int, ...]) -> str:
    # Scheme and host too: pages and API answers carry absolute links (feeds, API `next`), and a
    # request by another name (127.0.0.1, www., http behind a proxy) must not set them for everyone.
    path = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False).hexdigest()
    return f"newsdesk:page:{_language(request)}:{path}:{'.'.join(map(str, generations))}"


def _language(request: HttpRequest) -> str:
    """The page's language from its URL prefix: known before LocaleMiddleware has run."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _freeze(response: HttpResponse) -> tuple[bytes, list[tuple[str, str]]]:
    return response.content, [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]


def _rebuild(stored: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response[CACHE_HEADER] = "hit"
    return response


def _generation_key(scope: str) -> str:
    return f"newsdesk:generation:{scope}"


def _cache_is_shared() -> bool:
    return not isinstance(caches["default"], (LocMemCache, DummyCache))


# Generation file path -> (time.monotonic() when read, generation).
_generation_reads: dict[str, tuple[float, int]] = {}


def _file_generation() -> int:
    path = settings.NEWSDESK_CONTENT_GENERATION_FILE
    now = time.monotonic()
    read_at, generation = _generation_reads.get(path, (float("-inf"), 0))
    if now - read_at < GENERATION_FILE_REREAD_SECONDS:
        return generation
    try:
        generation = int(Path(path).read_text() or 0)
    except (FileNotFoundError, ValueError):
        generation = 0
    _generation_reads[path] = (now, generation)
    return generation


def _touch_generation_file() -> None:
    """Write the clock into the file, replacing it whole so readers never see half a number.

    This process sees its own change at once; the others within GENERATION_FILE_REREAD_SECONDS.
    """
    path = Path(settings.NEWSDESK_CONTENT_GENERATION_FILE)
    generation = time.time_ns()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_text(str(generation))
    os.replace(temporary, path)
    _generation_reads[str(path)] = (time.monotonic(), generation)
