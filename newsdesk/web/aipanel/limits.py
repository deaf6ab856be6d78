"""Who may make the panel compute: uncached requests are limited per IP address and per reader."""

from django.conf import settings
from django.http import HttpRequest

from newsdesk.web.ratelimit import client_ip, first_refusal

BUSY = "You have asked for a lot of answers in a short time; please wait {seconds} s and try again."


def compute_refusal(request: HttpRequest) -> tuple[str, int] | None:
    """(message, retry-after seconds) when this reader may not start another computation now."""
    checks = [(f"ai:ip:{client_ip(request)}", settings.NEWSDESK_AI_RATE_PER_IP)]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        checks.append((f"ai:user:{user.pk}", settings.NEWSDESK_AI_RATE_PER_USER))
    refused = first_refusal(checks, settings.NEWSDESK_AI_RATE_WINDOW)
    if refused is None:
        return None
    return BUSY.format(seconds=refused.retry_after), refused.retry_after
