"""Times every request for the latency histogram on /metrics, and answers the probes by any Host."""

from time import perf_counter

from django.http import HttpRequest, HttpResponse
from django.urls import resolve

from newsdesk.web.ops import views
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


PROBES = {"/healthz": views.healthz, "/metrics": views.metrics}


class ProbeMiddleware:
    """/healthz and /metrics answered before any middleware checks the Host header.

    Load balancers, `docker compose` and Prometheus call by address (127.0.0.1:8000, a pod IP),
    which is not among the site's allowed hosts: Django then refused them with a 400, so a healthy
    container never passed its health check. Neither answer names the host; /metrics keeps
    its own address allowlist.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        request.resolver_match = resolve(request.path_info)
        return probe(request)
