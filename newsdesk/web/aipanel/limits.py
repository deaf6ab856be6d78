"""Who may make the panel compute: uncached requests are limited per IP address and per reader."""

from django.conf import settings
from django.http import HttpRequest

from newsdesk.web.ratelimit import check_rate, client_ip

BUSY = "You have asked for a lot of answers in a short time; please wait {seconds} s and try again."


def compute_refusal(request: HttpRequest) -> tuple[str, int] | None:
    """(message, retry-after seconds) when this reader may not start another computation now."""
    if not settings.NEWSDESK_RATELIMIT_ENABLED:
        return None
    window = settings.NEWSDESK_AI_RATE_WINDOW
    checks = [(f"ai:ip:{client_ip(request)}", settings.NEWSDESK_AI_RATE_PER_IP)]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        checks.append((f"ai:user:{user.pk}", settings.NEWSDESK_AI_RATE_PER_USER))
    for key, limit in checks:
        result = check_rate(key, limit, window)
        if not result.allowed:
            return BUSY.format(seconds=result.retry_after), result.retry_after
    return None
