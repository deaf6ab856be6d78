"""Times every request for the latency histogram on /metrics."""

from time import perf_counter

from django.http import HttpRequest, HttpResponse

from newsdesk.web.ops.metrics import record_request


class RequestMetricsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = perf_counter()
        response = self.get_response(request)
        record_request(_view_label(request), response.status_code, perf_counter() - started)
        return response


def _view_label(request: HttpRequest) -> str:
    """The URL's name, so the label set stays small whatever paths are requested."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    if match.namespaces:
        return match.namespaces[0]
    return match.url_name or "unnamed"
