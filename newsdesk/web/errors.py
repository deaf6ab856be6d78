"""The error pages readers meet: 400, 404 and 500 in the site's look, and a CSRF failure that loses nothing.

Paths under /api/ answer in JSON, as newsdesk/web/api/http.py answers errors inside its views,
so a client of the API never has to parse an HTML page.
"""

import logging
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

from newsdesk.web.api.http import error_response

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Form fields holding text a reader typed (a comment's body, ...): shown back when the form expired.
TYPED_FIELDS = ("body", "text")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """An expired or mistyped link: the site's navigation and a search box, so the reader can go on."""
    if _is_api(request):
        return error_response(404, "not_found", "No such endpoint; see /api/v1/ for the list.")
    return render(request, "404.html", {"page_title": "Page not found"}, status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """An address no page can read (a NUL byte in it, a header Django refuses): say so, link home."""
    if _is_api(request):
        return error_response(400, "bad_request", "This request could not be read; see /api/v1/.")
    return render(request, "400.html", {"page_title": "This address could not be read"}, status=400)


def refuse_nul_bytes(get_response: Callable[[HttpRequest], HttpResponse]):
    """A NUL byte in the path or the query string is refused before any view reads it.

    PostgreSQL text cannot hold one, so a view that looks a value up (a hashtag, a follow, a
    question to the AI panel) failed with a 500 there while SQLite answered. Forms are left to
    their fields, which already refuse NUL with a message and keep the reader's text.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return page_not_found(request)
        # The raw query string: parsing it here would refuse too many fields before the view could.
        if "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return bad_request(request)
        return get_response(request)

    return middleware


def server_error(request: HttpRequest) -> HttpResponse:
    """A failure page that needs nothing that may have failed: no database, session or URL lookup.

    The template gets only settings; if even it cannot be rendered, a line of plain HTML.
    """
    if _is_api(request):
        return error_response(500, "internal_error", "The server failed to answer; it has been logged.")
    try:
        html = loader.get_template("500.html").render({"site_name": settings.SITE_NAME})
    except Exception:
        logger.exception("The 500 page failed to render")
        html = f"<!doctype html><title>Server error</title><h1>{escape(settings.SITE_NAME)} failed</h1>"
    return HttpResponseServerError(html)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form that expired (a stale CSRF token): say so, give back what the reader typed, link back.

    The typed text is shown only for a post from this site itself, so another site cannot make
    ours display words of its choosing; the back link is the Referer only when it is ours.
    """
    referer = request.headers.get("Referer", "")
    came_from_here = _is_this_site(request, request.headers.get("Origin") or referer)
    response = render(
        request,
        "403_csrf.html",
        {
            "page_title": "This form has expired",
            "typed_text": _typed_text(request) if came_from_here else "",
            "back_url": referer if _is_this_site(request, referer) else "",
        },
        status=403,
    )
    # The page holds this reader's own words.
    response["Cache-Control"] = "private, no-store"
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _is_this_site(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _typed_text(request: HttpRequest) -> str:
    try:
        posted = request.POST
    except Exception:  # a body too big or cut short: nothing to give back
        return ""
    return next((posted[field] for field in TYPED_FIELDS if posted.get(field, "").strip()), "")
