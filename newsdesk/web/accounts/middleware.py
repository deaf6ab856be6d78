"""Times in the reader's own zone: a signed-in reader's pages are never cached, so they may differ."""

from collections.abc import Callable

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
        with timezone.override(reader_time_zone(request.user)):
            return self.get_response(request)
