"""Times in the reader's own zone: a signed-in reader's pages are never cached, so they may differ."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from newsdesk.web.accounts.lib import reader_time_zone


class ReaderTimeZoneMiddleware:
    """Render in the zone a signed-in reader chose (settings page); anyone else, UTC.

    After AuthenticationMiddleware. A cached page is answered before it runs, and only anonymous
    pages are stored, so those always hold UTC. The zone is set for this request only: a thread
    serving the next one starts from UTC again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is signed in: the reader, and the zone, stay unread.
        # Reading them on every anonymous request halved an uncached page's rate under gunicorn.
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        zone = reader_time_zone(request.user) if signed_in else None
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
