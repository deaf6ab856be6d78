"""/healthz and /metrics: what they report, when they fail, and who may read them."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from newsdesk.models import ExtractionState, Feed, FetchFailure
from newsdesk.testing.redis import free_port
from newsdesk.web.ops.metrics import flush_request_counts
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def samples(body: bytes) -> dict[tuple[str, tuple], float]:
    """Every sample, by name and sorted labels; parsing fails on anything Prometheus would reject."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def test_healthz_reports_each_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    # Tasks run in process: no broker to ask.
    assert set(body["checks"]) == {"database", "migrations", "cache"}
    assert all(check["ok"] and check["milliseconds"] >= 0 for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


def test_healthz_fails_when_the_database_does(client):
    def database_down(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(database_down):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["database"]["ok"] is False
    assert "Connection refused" in body["checks"]["database"]["error"]
    assert body["checks"]["cache"]["ok"] is True


def test_healthz_fails_when_the_cache_server_is_unreachable(client):
    nobody_listens = f"redis://127.0.0.1:{free_port()}/0"
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": nobody_listens}
    }
    with override_settings(CACHES=caches, NEWSDESK_METRICS_ALLOWED_IPS=["127.0.0.1/32"]):
        flush_request_counts()  # the site's own middleware counts both requests into that cache
        response = client.get("/healthz")
        scrape = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
    assert scrape.status_code == 503 and b"unreachable" in scrape.content


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_healthz_asks_the_broker_when_tasks_go_to_workers(client, settings):
    from newsdesk.tasks import app

    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_healthz_fails_when_the_database_lacks_this_versions_migrations(client):
    # A web host started on new code before `newsdesk migrate` (or on an empty SQLite file) answers
    # SELECT 1, but every page fails on a missing table or column: out of the load balancer with it.
    assert set(client.get("/healthz").json()["checks"]) == {"database", "migrations", "cache"}
    latest = MigrationRecorder.Migration.objects.filter(app="newsdesk").latest("id")
    latest.delete()

    response = client.get("/healthz")

    assert response.status_code == 503
    check = response.json()["checks"]["migrations"]
    assert check["ok"] is False
    assert f"newsdesk.{latest.name}" in check["error"] and "newsdesk migrate" in check["error"]
    assert response.json()["checks"]["database"]["ok"] is True


def test_operator_endpoints_are_outside_the_language_prefix(client):
    assert client.get("/en/healthz").status_code == 404
    assert client.get("/en/metrics").status_code == 404


def test_metrics_count_articles_feeds_and_failures(client):
    source = make_source("Harbour Times")
    make_article(source, "Pending one", extraction=ExtractionState.PENDING)
    make_article(source, "Extracted one", extraction=ExtractionState.PAGE)
    make_article(source, "Extracted two", extraction=ExtractionState.PAGE)
    Feed.objects.create(source=source, url="https://harbour.example/ok.xml", last_fetched_at=timezone.now())
    Feed.objects.create(source=source, url="https://harbour.example/new.xml")
    Feed.objects.create(source=source, url="https://harbour.example/bad.xml", consecutive_errors=2)
    switched_off = make_source("Valley Courier")
    switched_off.is_active = False
    switched_off.save()
    Feed.objects.create(source=switched_off, url="https://valley.example/feed.xml")
    FetchFailure.objects.create(url="https://harbour.example/x", stage=FetchFailure.Stage.PAGE, error="boom")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    found = samples(response.content)
    assert found[("newsdesk_articles", (("extraction", "pending"),))] == 1
    assert found[("newsdesk_articles", (("extraction", "page"),))] == 2
    assert found[("newsdesk_feeds", (("health", "ok"),))] == 1
    assert found[("newsdesk_feeds", (("health", "new"),))] == 1
    assert found[("newsdesk_feeds", (("health", "failing"),))] == 1
    assert found[("newsdesk_feeds", (("health", "disabled"),))] == 0
    assert found[("newsdesk_feeds", (("health", "inactive"),))] == 1
    assert found[("newsdesk_fetch_failures", (("stage", "page"),))] == 1
    assert ("newsdesk_tasks_total", (("outcome", "failed"), ("task", "fetch_article"))) in found


def test_metrics_histogram_counts_the_requests_served(client):
    for _ in range(3):
        client.get("/healthz")
    flush_request_counts()
    found = samples(client.get("/metrics").content)

    assert found[("newsdesk_http_request_duration_seconds_count", (("view", "healthz"),))] == 3
    assert (
        found[("newsdesk_http_request_duration_seconds_bucket", (("le", "+Inf"), ("view", "healthz")))] == 3
    )
    assert found[("newsdesk_http_request_duration_seconds_sum", (("view", "healthz"),))] > 0
    assert found[("newsdesk_http_responses_total", (("status", "2xx"),))] >= 3


def test_probes_are_answered_whatever_host_they_call_by(client, settings):
    # docker compose and load balancers call by address, which is not one of the site's hosts.
    settings.ALLOWED_HOSTS = ["news.example.org"]
    assert client.get("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert client.get("/metrics", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/metrics", HTTP_HOST="10.0.0.5:8000", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/en/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    flush_request_counts()
    found = samples(client.get("/metrics", HTTP_HOST="news.example.org").content)
    assert found[("newsdesk_http_request_duration_seconds_count", (("view", "healthz"),))] == 1


def test_metrics_are_refused_to_addresses_not_allowed(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    with override_settings(NEWSDESK_METRICS_ALLOWED_IPS=["203.0.113.0/24"]):
        assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200
        assert client.get("/metrics").status_code == 403


def test_metrics_count_the_pipeline_tasks_that_ran(client):
    from newsdesk.tasks import poll_due_feeds

    poll_due_feeds.apply()  # nothing is due: it succeeds at once
    poll_due_feeds.apply()

    found = samples(client.get("/metrics").content)
    assert found[("newsdesk_tasks_total", (("outcome", "succeeded"), ("task", "poll_due_feeds")))] == 2
    assert found[("newsdesk_tasks_total", (("outcome", "failed"), ("task", "poll_due_feeds")))] == 0


def test_metrics_say_when_a_feed_was_last_polled_well_and_what_waits_for_enrichment(client):
    # What an operator alerts on when the scheduler or the workers stop: no successful poll for
    # an hour, articles read but never enriched.
    source = make_source("Harbour Times")
    newest = timezone.now().replace(microsecond=0) - timedelta(minutes=30)
    Feed.objects.create(source=source, url="https://harbour.example/a.xml", last_success_at=newest)
    Feed.objects.create(
        source=source, url="https://harbour.example/b.xml", last_success_at=newest - timedelta(hours=5)
    )
    Feed.objects.create(
        source=source,
        url="https://harbour.example/paused.xml",
        last_success_at=timezone.now(),
        disabled_at=timezone.now(),
    )
    make_article(source, "Waiting", extraction=ExtractionState.PAGE)
    make_article(source, "Given up on", extraction=ExtractionState.FEED)
    make_article(source, "Done", extraction=ExtractionState.PAGE, enriched_at=timezone.now())
    make_article(source, "Still fetching", extraction=ExtractionState.PENDING)

    found = samples(client.get("/metrics").content)

    assert found[("newsdesk_feeds_last_success_timestamp_seconds", ())] == newest.timestamp()
    assert found[("newsdesk_articles_unenriched", ())] == 2


def test_metrics_last_success_is_zero_before_any_feed_was_polled_well(client):
    Feed.objects.create(source=make_source("Harbour Times"), url="https://harbour.example/a.xml")
    assert samples(client.get("/metrics").content)[("newsdesk_feeds_last_success_timestamp_seconds", ())] == 0


def test_metrics_on_a_database_that_cannot_be_counted_fail_the_scrape_plainly(client, monkeypatch):
    from newsdesk.web.ops import metrics

    def unmigrated():
        raise OperationalError("no such table: newsdesk_article")

    cache.clear()
    monkeypatch.setattr(metrics, "_count_database", unmigrated)
    response = client.get("/metrics")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert b"no such table: newsdesk_article" in response.content
