"""Rate limits on the shared cache: a sliding-window counter per key.

Each key counts hits in fixed windows; the estimate for "the last window_seconds"
weighs the previous window by how much of it still overlaps, which smooths the
burst a plain fixed window allows at its boundary. Counting is an atomic cache
`incr` (Redis INCR when REDIS_URL is set, so every web process shares the count).
A hit that is refused is not counted, so a client that backs off recovers on time.
"""

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from ipaddress import ip_address

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

KEY_PREFIX = "newsdesk:rate:"


@dataclass(frozen=True)
class RateResult:
    allowed: bool
    remaining: int
    retry_after: int  # seconds until a hit would be allowed; 0 when allowed


def check_rate(key: str, limit: int, window_seconds: int, *, now: float | None = None) -> RateResult:
    """Count one hit for `key` and say whether it stays within `limit` hits per `window_seconds`."""
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    elapsed = now - window * window_seconds
    current_key = _window_key(key, window_seconds, window)
    previous_key = _window_key(key, window_seconds, window - 1)
    # Two windows' life: the key is read as "previous" during the next one.
    cache.add(current_key, 0, 2 * window_seconds + 1)
    current = cache.incr(current_key)
    previous = int(cache.get(previous_key) or 0)
    result = decide(previous, current - 1, elapsed, limit, window_seconds)
    if not result.allowed:
        cache.decr(current_key)
    return result


def first_refusal(
    limits: Iterable[tuple[str, int]], window_seconds: int, *, now: float | None = None
) -> RateResult | None:
    """Count a hit against each (key, limit) in turn; the first refusal, or None when all allow it.

    Several keys (an account and an address) so that neither many accounts nor many addresses help.
    A refused hit counts against none of them.
    """
    if not settings.NEWSDESK_RATELIMIT_ENABLED:
        return None
    now = time.time() if now is None else now
    counted = []
    for key, limit in limits:
        result = check_rate(key, limit, window_seconds, now=now)
        if not result.allowed:
            give_back(counted, window_seconds, now=now)
            return result
        counted.append((key, limit))
    return None


def give_back(limits: Iterable[tuple[str, int]], window_seconds: int, *, now: float) -> None:
    """Uncount the hits `first_refusal(limits, ..., now=now)` counted, for an attempt that then failed.

    Only what went through should use up a reader's budget (a comment refused as too long does not).
    """
    if not settings.NEWSDESK_RATELIMIT_ENABLED:
        return
    window = int(now // window_seconds)
    for key, _limit in limits:
        try:
            cache.decr(_window_key(key, window_seconds, window))
        except ValueError:
            pass  # the window's count expired meanwhile: nothing left to give back


def _window_key(key: str, window_seconds: int, window: int) -> str:
    return f"{KEY_PREFIX}{key}:{window_seconds}:{window}"


def decide(previous: int, current: int, elapsed: float, limit: int, window_seconds: int) -> RateResult:
    """Whether one more hit fits, given the previous and current windows' counts before it."""
    overlap = 1 - elapsed / window_seconds
    estimate = previous * overlap + current + 1
    if estimate <= limit:
        return RateResult(True, math.floor(limit - estimate), 0)
    return RateResult(
        False, 0, max(1, math.ceil(_seconds_until_allowed(previous, current, elapsed, limit, window_seconds)))
    )


def _seconds_until_allowed(previous: int, current: int, elapsed: float, limit: int, window: int) -> float:
    """Solve estimate(t) + 1 <= limit for the first t, assuming no other hits meanwhile."""
    if current + 1 <= limit and previous > 0:
        # Still in this window: wait for enough of the previous window to slide out.
        return window * (1 - (limit - current - 1) / previous) - elapsed
    # Next window: this window's hits become the weighted "previous".
    if current == 0 or limit < 1:
        return window - elapsed
    return (window - elapsed) + max(0.0, window * (1 - (limit - 1) / current))


def client_ip(request: HttpRequest) -> str:
    """The reader's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For.

    Only the last NEWSDESK_TRUSTED_PROXY_COUNT entries were written by proxies we run;
    anything further left came from the client and may be forged.
    """
    trusted = settings.NEWSDESK_TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    candidate = (
        forwarded[-min(trusted, len(forwarded))]
        if trusted and forwarded
        else request.META.get("REMOTE_ADDR", "")
    )
    try:
        return str(ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_key(request: HttpRequest, scope: str) -> str:
    """Signed-in readers are counted per account (wherever they are), everyone else per address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"{scope}:user:{user.pk}"
    return f"{scope}:ip:{client_ip(request)}"


def rate_limited(
    scope: str, limit: int | Callable[[], int], window_seconds: int, *, methods: tuple[str, ...] = ()
) -> Callable:
    """Answer 429 with Retry-After once a reader exceeds `limit` requests per `window_seconds`.

    `limit` may be a callable (read from settings at request time); `methods` limits
    only those methods (all when empty).
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not settings.NEWSDESK_RATELIMIT_ENABLED or (methods and request.method not in methods):
                return view(request, *args, **kwargs)
            allowed = limit() if callable(limit) else limit
            result = check_rate(rate_key(request, scope), allowed, window_seconds)
            if not result.allowed:
                return too_many_requests("Too many requests; please wait a little and try again.", result)
            response = view(request, *args, **kwargs)
            response["RateLimit-Remaining"] = str(result.remaining)
            return response

        return wrapper

    return decorate


def too_many_requests(message: str, result: RateResult) -> HttpResponse:
    """429 with the seconds until `result`'s window lets the reader in again."""
    response = HttpResponse(f"{message}\n", status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(result.retry_after)
    return response
