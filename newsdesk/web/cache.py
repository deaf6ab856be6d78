"""Whole-page cache for anonymous readers, and shared page fragments.

Every cached page's key carries the current content generation of what it shows (the whole site,
or one article: store/generations.py), so a committed change makes the next request miss and
render fresh; pages cached under the old generation simply age out (TTL backstop).

Hits are served by `PageCacheMiddleware`, near the top of MIDDLEWARE, so a hit skips
sessions, CSRF, auth and messages; `cached_page` marks the views it may serve and stores
what they render. In front of all this, nginx micro-caches anonymous pages for a few
seconds (deploy/nginx/newsdesk-page-cache.conf).
"""

import hashlib
from collections.abc import Callable, Iterable
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re, patch_cache_control, patch_vary_headers

from newsdesk.store.generations import SITE, content_generations

# Headers a cached page may vary on: the URL carries the language, and cached pages
# are only ever served to requests without a session.
ALLOWED_VARY = {"cookie", "accept-language"}
# Headers of the rendered response worth keeping; cookies are never stored.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "Link")
CACHE_HEADER = "X-Cache"
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
            response = view(request, *args, **kwargs)
            if _signed_in(request):
                # This reader's own page (their name, follows, saves): never for a shared cache.
                patch_cache_control(response, private=True)
            return response
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


def _cacheable_request(request: HttpRequest) -> bool:
    if settings.NEWSDESK_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    # A session or pending messages mean this reader may see something of their own.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not _signed_in(request)


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


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
