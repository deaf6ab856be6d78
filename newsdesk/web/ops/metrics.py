"""Prometheus metrics: database gauges, task counters and request latency.

Request timings are summed per process and added to the shared cache every few
seconds, so a scrape of any web process sees the whole site's counts (with Redis;
on the embedded default's per-process cache, each process reports its own).
"""

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

# Upper bounds (seconds) of the latency histogram's buckets.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, float("inf"))
FLUSH_SECONDS = 5.0
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
TASK_OUTCOMES = ("succeeded", "failed", "retried")
PREFIX = "newsdesk:metrics:"
# Named for the shape of what it holds: during a rolling upgrade a web process of the previous
# version may still cache its own counts, which lack the gauges added since.
DATABASE_GAUGES_KEY = PREFIX + "database-gauges:2"

log = logging.getLogger(__name__)


class _RequestCounts:
    """This process's counts since its last flush to the cache."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: Counter[str] = Counter()
        self.flushed_at = time.monotonic()

    def add(self, view: str, status: int, seconds: float) -> None:
        bucket = next(i for i, bound in enumerate(LATENCY_BUCKETS) if seconds <= bound)
        with self.lock:
            self.pending[f"http:{view}:bucket:{bucket}"] += 1
            self.pending[f"http:{view}:sum_us"] += round(seconds * 1_000_000)
            self.pending[f"http_status:{status // 100}xx"] += 1
            due = time.monotonic() - self.flushed_at >= FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            pending, self.pending = self.pending, Counter()
            self.flushed_at = time.monotonic()
        for name, delta in list(pending.items()):
            if not increment(name, delta):
                # The cache is down: keep what is left for the next flush (few keys, bounded by the
                # URL names), and let the request that carried this flush be answered.
                with self.lock:
                    self.pending.update(pending)
                return
            del pending[name]


_requests = _RequestCounts()


def record_request(view: str, status: int, seconds: float) -> None:
    _requests.add(view, status, seconds)


def flush_request_counts() -> None:
    """Push this process's pending counts now (tests, and before a scrape of this process)."""
    _requests.flush()


def increment(name: str, delta: int = 1) -> bool:
    """Add to a shared counter; never expires, survives concurrent first increments.

    False when the cache could not be reached: counting must never fail a request or a task
    (/healthz says the cache is down).
    """
    key = PREFIX + name
    try:
        try:
            cache.incr(key, delta)
        except ValueError:
            if not cache.add(key, delta, None):
                cache.incr(key, delta)
    except Exception as error:  # the backend's own connection errors (redis-py's, ...)
        log.warning("metrics: counter %s not counted, the cache is unreachable: %s", name, error)
        return False
    return True


def connect_task_counters() -> None:
    """Count every pipeline task's outcome in the shared counters, in whichever process runs it."""
    from celery.signals import task_failure, task_retry, task_success

    for signal, outcome in ((task_success, "succeeded"), (task_failure, "failed"), (task_retry, "retried")):
        signal.connect(_task_counter(outcome), weak=False, dispatch_uid=f"newsdesk-task-{outcome}")


def _task_counter(outcome: str):
    def handler(sender=None, **kwargs) -> None:
        if sender is not None and sender.name.startswith("newsdesk.tasks."):
            increment(f"task:{sender.name.rsplit('.', 1)[1]}:{outcome}")

    return handler


class CountersUnavailable(RuntimeError):
    """The shared cache holding the counters cannot be reached."""


def _from_cache(read, *args):
    """`read(*args)` on the cache; its backend's connection errors become CountersUnavailable."""
    try:
        return read(*args)
    except Exception as error:
        raise CountersUnavailable(f"the cache holding the counters is unreachable: {error}") from error


def shared_counts(names: list[str]) -> dict[str, int]:
    """The shared counters of these names that exist, in one round trip."""
    found = _from_cache(cache.get_many, [PREFIX + name for name in names])
    return {key.removeprefix(PREFIX): int(value) for key, value in found.items()}


def render_metrics(view_labels: Iterable[str], task_names: Iterable[str]) -> bytes:
    from prometheus_client import generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(NewsdeskCollector(list(view_labels), list(task_names)))
    return generate_latest(registry)


class NewsdeskCollector(Collector):
    def __init__(self, view_labels: list[str], task_names: list[str]) -> None:
        self.view_labels = view_labels
        self.task_names = task_names

    def collect(self) -> Iterator:
        yield from database_metrics()
        yield from self._requests()
        yield from self._tasks()
        yield from queue_metrics()

    def _requests(self) -> Iterator:
        flush_request_counts()
        names = [f"http_status:{c}" for c in STATUS_CLASSES]
        for view in self.view_labels:
            names += [f"http:{view}:bucket:{i}" for i in range(len(LATENCY_BUCKETS))]
            names.append(f"http:{view}:sum_us")
        found = shared_counts(names)

        histogram = HistogramMetricFamily(
            "newsdesk_http_request_duration_seconds",
            "Time to answer a request, by URL name.",
            labels=["view"],
        )
        for view in self.view_labels:
            counts = [found.get(f"http:{view}:bucket:{i}", 0) for i in range(len(LATENCY_BUCKETS))]
            if not any(counts):
                continue
            cumulative, buckets = 0, []
            for bound, count in zip(LATENCY_BUCKETS, counts, strict=True):
                cumulative += count
                buckets.append(("+Inf" if bound == float("inf") else str(bound), cumulative))
            histogram.add_metric([view], buckets, found.get(f"http:{view}:sum_us", 0) / 1_000_000)
        yield histogram

        responses = CounterMetricFamily(
            "newsdesk_http_responses", "Responses sent, by status class.", labels=["status"]
        )
        for status_class in STATUS_CLASSES:
            responses.add_metric([status_class], found.get(f"http_status:{status_class}", 0))
        yield responses

    def _tasks(self) -> Iterator:
        names = [f"task:{task}:{outcome}" for task in self.task_names for outcome in TASK_OUTCOMES]
        found = shared_counts(names)
        tasks = CounterMetricFamily(
            "newsdesk_tasks", "Pipeline tasks finished, by task and outcome.", labels=["task", "outcome"]
        )
        for task in self.task_names:
            for outcome in TASK_OUTCOMES:
                tasks.add_metric([task, outcome], found.get(f"task:{task}:{outcome}", 0))
        yield tasks


def database_metrics() -> list:
    """Gauges counted in the database, at most once per NEWSDESK_METRICS_CACHE_SECONDS."""
    counts = _from_cache(cache.get, DATABASE_GAUGES_KEY)
    if counts is None:
        counts = _count_database()
        _from_cache(cache.set, DATABASE_GAUGES_KEY, counts, settings.NEWSDESK_METRICS_CACHE_SECONDS)

    articles = GaugeMetricFamily(
        "newsdesk_articles", "Stored articles, by extraction state.", labels=["extraction"]
    )
    for state, count in counts["articles"].items():
        articles.add_metric([state], count)
    feeds = GaugeMetricFamily("newsdesk_feeds", "Feeds, by health.", labels=["health"])
    for health, count in counts["feeds"].items():
        feeds.add_metric([health], count)
    failures = GaugeMetricFamily(
        "newsdesk_fetch_failures", "URLs failing right now, by stage.", labels=["stage"]
    )
    for stage, count in counts["failures"].items():
        failures.add_metric([stage], count)
    unenriched = GaugeMetricFamily(
        "newsdesk_articles_unenriched", "Articles read (from the page or the feed) and not yet enriched."
    )
    unenriched.add_metric([], counts["unenriched"])
    last_success = GaugeMetricFamily(
        "newsdesk_feeds_last_success_timestamp_seconds",
        "When a polled feed was last read successfully (Unix time; 0: never).",
    )
    last_success.add_metric([], counts["last_success"])
    stories = GaugeMetricFamily("newsdesk_stories", "Stories (clusters of articles).")
    stories.add_metric([], counts["stories"])
    return [articles, unenriched, feeds, last_success, failures, stories]


def _count_database() -> dict:
    from newsdesk.models import Article, ExtractionState, Feed, FetchFailure, Story

    by_state = dict(Article.objects.order_by().values_list("extraction").annotate(n=Count("id")))
    by_stage = dict(FetchFailure.objects.order_by().values_list("stage").annotate(n=Count("id")))
    # A feed of a source the operator switched off is never polled: neither ok nor failing.
    polled = Q(disabled_at__isnull=True, source__is_active=True)
    feeds = Feed.objects.aggregate(
        disabled=Count("id", filter=Q(disabled_at__isnull=False)),
        inactive=Count("id", filter=Q(disabled_at__isnull=True, source__is_active=False)),
        failing=Count("id", filter=polled & Q(consecutive_errors__gt=0)),
        ok=Count("id", filter=polled & Q(consecutive_errors=0, last_fetched_at__isnull=False)),
        # Added and not polled yet: a feed that never answered is not "ok".
        new=Count("id", filter=polled & Q(consecutive_errors=0, last_fetched_at__isnull=True)),
    )
    # A site whose scheduler, workers or network stopped shows it here first: polls stop succeeding.
    last_success = Feed.objects.filter(polled).aggregate(newest=Max("last_success_at"))["newest"]
    return {
        "articles": {state: by_state.get(state, 0) for state in ExtractionState.values},
        # Read but never enriched: the enrich workers are down or behind, or their messages were lost.
        "unenriched": Article.objects.exclude(extraction=ExtractionState.PENDING)
        .filter(enriched_at__isnull=True)
        .count(),
        "feeds": feeds,
        "last_success": last_success.timestamp() if last_success else 0,
        "failures": {stage: by_stage.get(stage, 0) for stage in FetchFailure.Stage.values},
        "stories": Story.objects.count(),
    }


def queue_metrics() -> list:
    """Messages waiting in each Celery queue, when the broker is Redis."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith(("redis://", "rediss://", "unix://")):
        return []
    import redis

    from newsdesk.tasks import QUEUES

    waiting = GaugeMetricFamily("newsdesk_task_queue_length", "Tasks waiting, by queue.", labels=["queue"])
    client = redis.Redis.from_url(broker, socket_timeout=2, socket_connect_timeout=2)
    try:
        for queue in QUEUES:
            waiting.add_metric([queue], client.llen(queue))
    except redis.RedisError:
        return []
    finally:
        client.close()
    return [waiting]
