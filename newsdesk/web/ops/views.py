"""Operator endpoints, outside the language prefix: /healthz for load balancers, /metrics for Prometheus."""

from dataclasses import asdict
from ipaddress import ip_address, ip_network

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.urls import get_resolver
from django.views.decorators.cache import never_cache

from newsdesk.web.ops.health import run_checks
from newsdesk.web.ops.metrics import CountersUnavailable, render_metrics
from newsdesk.web.ratelimit import client_ip

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(check.ok for check in checks)
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": {c.name: asdict(c) for c in checks}},
        status=200 if healthy else 503,
    )


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(client_ip(request)):
        return HttpResponseForbidden("metrics are not published to this address\n", content_type="text/plain")
    from newsdesk.tasks import pipeline_task_names

    try:
        body = render_metrics(view_labels(), pipeline_task_names())
    except CountersUnavailable as error:
        # A failed scrape (Prometheus's `up` 0) rather than counters that seem to restart from zero.
        return HttpResponse(f"{error}\n", status=503, content_type="text/plain")
    except DatabaseError as error:
        # Unmigrated, or the database is down: a failed scrape that says so, not the 500 page.
        return HttpResponse(
            f"the database cannot be counted ({error}); /healthz says more\n",
            status=503,
            content_type="text/plain",
        )
    return HttpResponse(body, content_type=PROMETHEUS_CONTENT_TYPE)


def metrics_allowed(address: str) -> bool:
    try:
        client = ip_address(address)
    except ValueError:
        return False
    return any(
        client in ip_network(allowed, strict=False) for allowed in settings.NEWSDESK_METRICS_ALLOWED_IPS
    )


def view_labels() -> list[str]:
    """Every label the request middleware can give: URL names, namespaces, and the fallbacks."""
    resolver = get_resolver()
    names = {name for name in resolver.reverse_dict if isinstance(name, str)}
    return sorted(names | set(resolver.namespace_dict) | {"unmatched", "unnamed"})
