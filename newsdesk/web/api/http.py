"""What every API response shares: JSON errors, methods, the rate limit, CORS, caching and ETags.

Cached pages are looked up inside the endpoint, after the rate limit: were the view marked
for PageCacheMiddleware, a cache hit would skip the limit. The headers added here (CORS,
Cache-Control, ETag, RateLimit-Remaining) are set on hits and misses alike, since the page
cache keeps only a few headers of what it stores, and on the 304 that replaces a 200 whose
ETag the client already has, since Django's 304 keeps only the caching headers.
"""

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, set_response_etag
from django.views.decorators.csrf import csrf_exempt

from newsdesk.web.cache import cached_page
from newsdesk.web.ratelimit import RateResult, check_rate, client_ip

logger = logging.getLogger(__name__)

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
RATE_WINDOW_SECONDS = 60
# Public data, the same for every reader: any shared cache may keep it this long.
CACHE_CONTROL = "public, max-age=60"
# Answers (a moved id stays moved); errors are never kept.
CACHEABLE_STATUSES = (200, 301)
# Browsers may reuse a preflight answer this long.
PREFLIGHT_MAX_AGE = 86400


class ApiError(Exception):
    """A client-facing failure: becomes {"error": {"code", "message"}} with `status`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    # An error says nothing worth keeping, and a 429 must never be served to another client.
    response["Cache-Control"] = "no-store"
    return response


def not_found(message: str = "No such endpoint; see /api/v1/ for the list.") -> ApiError:
    return ApiError(404, "not_found", message)


def too_many_requests_json(result: RateResult) -> JsonResponse:
    """The JSON twin of ratelimit.too_many_requests: 429 with the seconds to wait."""
    response = error_response(
        429,
        "rate_limited",
        f"More than {settings.NEWSDESK_API_RATE_PER_MINUTE} requests a minute from this address; "
        f"retry after {result.retry_after} s.",
    )
    response["Retry-After"] = str(result.retry_after)
    response["RateLimit-Remaining"] = "0"
    return response


def api_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a view that returns JSON or raises ApiError into a public, read-only API endpoint."""
    cached_view = cached_page(view)

    @csrf_exempt  # nothing here writes; a POST gets its 405 in JSON, not CSRF's HTML 403
    @wraps(view)
    def endpoint(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = _answer(request, cached_view, args, kwargs)
        if response.status_code in CACHEABLE_STATUSES:
            response["Cache-Control"] = CACHE_CONTROL
        if response.status_code == 200:
            response = _conditional(request, response)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Retry-After, RateLimit-Remaining"
        return response

    return endpoint


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The 200 with its ETag, or the 304 for an ETag the client already holds.

    Django's 304 is a new response that keeps only the caching headers; the rate limit's
    count is carried over here, and CORS is set on whichever is answered. Django's 412 (an
    If-Match no answer meets) is an empty HTML page: it becomes a JSON error like the others.
    """
    set_response_etag(response)
    answer = get_conditional_response(request, etag=response["ETag"], response=response)
    if answer.status_code == 412:
        answer = error_response(
            412,
            "precondition_failed",
            f"If-Match names no current ETag of this answer: it is {response['ETag']}.",
        )
    if answer is not response and "RateLimit-Remaining" in response:
        answer["RateLimit-Remaining"] = response["RateLimit-Remaining"]
    return answer


def _answer(request: HttpRequest, view: Callable, args: tuple, kwargs: dict) -> HttpResponse:
    if request.method == "OPTIONS":
        return _preflight(request)
    if request.method not in ALLOWED_METHODS:
        response = error_response(
            405, "method_not_allowed", f"{request.method} is not allowed: this API is read-only."
        )
        response["Allow"] = ", ".join(ALLOWED_METHODS)
        return response
    if settings.NEWSDESK_RATELIMIT_ENABLED:
        result = check_rate(
            f"api:ip:{client_ip(request)}", settings.NEWSDESK_API_RATE_PER_MINUTE, RATE_WINDOW_SECONDS
        )
        if not result.allowed:
            return too_many_requests_json(result)
    else:
        result = None
    try:
        # Links to reader pages carry the site's default language, whatever the client's
        # Accept-Language: the cached JSON is shared by every client.
        with translation.override(settings.LANGUAGE_CODE):
            response = view(request, *args, **kwargs)
    except ApiError as error:
        response = error_response(error.status, error.code, error.message)
    except SuspiciousOperation as error:
        response = refused_request_response(request, error)
    except Exception:
        if settings.DEBUG:
            raise
        logger.exception("API request failed: %s", request.get_full_path())
        response = error_response(500, "internal_error", "The server failed to answer; it has been logged.")
    if result is not None:
        response["RateLimit-Remaining"] = str(result.remaining)
    return response


def refused_request_response(request: HttpRequest, error: SuspiciousOperation) -> JsonResponse:
    """A request Django refuses to read (too many parameters, a body too big): the client's fault, a 400.

    Worth a warning line, not a traceback. The message is ours: Django's may name settings or
    echo what the client sent.
    """
    logger.warning("API request refused (%s): %s", type(error).__name__, request.path)
    if isinstance(error, TooManyFieldsSent):
        message = f"Too many query parameters: at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} are read."
    elif isinstance(error, RequestDataTooBig):
        message = "The request body is too big."
    else:
        message = "The request was refused as malformed."
    return error_response(400, "bad_request", message)


def _preflight(request: HttpRequest) -> HttpResponse:
    """Answer a browser's CORS preflight: GET and HEAD from any origin, with the headers it asked for."""
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
    requested = request.headers.get("Access-Control-Request-Headers")
    if requested:
        response["Access-Control-Allow-Headers"] = requested
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response
