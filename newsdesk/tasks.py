"""The one task layer: every pipeline stage is a plain function, run through Celery.

With no broker configured (the embedded default) Celery runs tasks eagerly, in
process; with `CELERY_BROKER_URL`/`REDIS_URL` set, the same calls go to workers.
`newsdesk crawl --once` always runs in process, whatever is configured.

Stages chain: poll_feed → fetch_article (fetch and extract) → enrich_article. Fetching
waits on the network and enriching on the CPU, so they have their own queues
("ingest", "enrich") and operators size the workers of each apart (docs/deploy.md).

Nothing is lost when a worker dies: tasks are acknowledged only once done
(acks_late; a message whose worker vanished is handed out again after the broker's
visibility timeout), every stage is safe to repeat, and the periodic tick queues
again any article still waiting for its page or its enrichment (a message lost with the
broker itself, or taken by a worker killed before it recorded the message as taken).
"""

import logging
import math
import os
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from celery import Celery, Task
from kombu import Queue

if TYPE_CHECKING:  # the models load with Django, after this module
    from newsdesk.models import Article

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

app = Celery("newsdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")

INGEST, ENRICH = "ingest", "enrich"
QUEUES = (INGEST, ENRICH)
app.conf.task_default_queue = INGEST
app.conf.task_queues = [Queue(name) for name in QUEUES]
app.conf.task_routes = {"newsdesk.tasks.enrich_article": {"queue": ENRICH}}

# Pending articles queued again per tick, at most (the next tick takes the rest).
REQUEUE_BATCH = 1000
# Errors worth another try later: the network, a locked or restarting database.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (ConnectionError, TimeoutError)
RETRY_POLICY = {"retry_backoff": 5, "retry_backoff_max": 600, "retry_jitter": True, "max_retries": 6}

_local = threading.local()
log = logging.getLogger(__name__)


def _transient_errors() -> tuple[type[Exception], ...]:
    from django.db import InterfaceError, OperationalError

    return (*TRANSIENT_ERRORS, OperationalError, InterfaceError)


def dispatch(task: Task, *args) -> None:
    """Queue `task`, or run it right here when this thread is working in process.

    As on a worker, a failing task does not fail the task that queued it: it is logged,
    and its article waits for the scheduler's next pass.
    """
    if getattr(_local, "inline", False) or app.conf.task_always_eager:
        result = task.apply(args=args, throw=False)
        if result.failed():
            log.error("task %s%r failed:\n%s", task.name, args, result.traceback)
    else:
        task.delay(*args)


def _run_inline(task: Task, *args):
    previous = getattr(_local, "inline", False)
    _local.inline = True
    try:
        return task.apply(args=args, throw=True).get()
    finally:
        _local.inline = previous


@app.task(bind=True, acks_late=True, autoretry_for=_transient_errors(), **RETRY_POLICY)
def poll_feed(self: Task, feed_id: int) -> dict:
    from newsdesk.models import Feed
    from newsdesk.pipeline import poll_stage

    url = Feed.objects.filter(id=feed_id).values_list("url", flat=True).first()
    if url is None:
        return {"feed_id": feed_id, "error": "no such feed"}
    _wait_for_host_turn(self, url)
    outcome = poll_stage(feed_id)
    for article_id in outcome.new_article_ids:
        dispatch(fetch_article, article_id)
    return outcome.__dict__


@app.task(bind=True, acks_late=True, autoretry_for=_transient_errors(), **RETRY_POLICY)
def fetch_article(self: Task, article_id: str) -> str | None:
    """Fetch and extract the page; the article then goes to enrichment under its final id."""
    from newsdesk.models import Article, ExtractionState
    from newsdesk.pipeline import extract_stage

    waiting = Article.objects.filter(id=article_id, extraction=ExtractionState.PENDING)
    url = waiting.values_list("url", flat=True).first()
    if url is not None:
        _wait_for_host_turn(self, url)
    final_id = extract_stage(article_id)
    if final_id is not None:
        dispatch(enrich_article, final_id)
    return final_id


@app.task(acks_late=True, autoretry_for=_transient_errors(), **RETRY_POLICY)
def enrich_article(article_id: str) -> None:
    from newsdesk.pipeline import enrich_stage
    from newsdesk.store.generations import bump_content_generation, pages_showing_enrichment

    enrich_stage(article_id)
    # Some enrichment writes are bulk updates, which send no model signals; and joining a story
    # changes what every page of that story shows ("More on this story", its source count).
    bump_content_generation(pages_showing_enrichment(article_id))


@app.task(acks_late=True, autoretry_for=_transient_errors(), **RETRY_POLICY)
def poll_due_feeds() -> int:
    """The periodic tick: queue a poll for every feed that is due, and any page left waiting."""
    from django.conf import settings
    from django.utils import timezone

    from newsdesk.ingest.poll import due_feeds
    from newsdesk.models import Feed

    now = timezone.now()
    feed_ids = [feed.id for feed in due_feeds()]
    # Claim them: a feed whose poll waits in a long queue is not queued again by every tick;
    # the poll sets the real next time, and a poll whose message was lost falls due again.
    Feed.objects.filter(id__in=feed_ids, next_poll_at__lte=now).update(
        next_poll_at=now + timedelta(seconds=settings.NEWSDESK_REQUEUE_AFTER_SECONDS)
    )
    for feed_id in feed_ids:
        dispatch(poll_feed, feed_id)
    requeue_waiting_articles()
    return len(feed_ids)


@app.task
def refresh_statistics() -> None:
    """Keep the database planner's statistics fresh as the archive grows."""
    from django.db import connection

    from newsdesk.store.search_index import refresh_planner_statistics

    refresh_planner_statistics(connection)


@app.task
def trim_search_index() -> int:
    """Keep SQLite's recent search table to the newest articles, so ranking stays cheap."""
    from django.db import connection

    from newsdesk.store.search_index import trim_recent_search_index

    return trim_recent_search_index(connection)


def requeue_waiting_articles() -> int:
    """Queue again pages still pending long after discovery: lost with a broker, or failed transiently."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from newsdesk.models import Article, ExtractionState
    from newsdesk.pipeline import MAX_PAGE_ATTEMPTS
    from newsdesk.store.actions import give_up_on_pages

    grace = settings.NEWSDESK_REQUEUE_AFTER_SECONDS
    give_up_on_pages(MAX_PAGE_ATTEMPTS)
    stale = (
        Article.objects.filter(
            extraction=ExtractionState.PENDING,
            extract_attempts__lt=MAX_PAGE_ATTEMPTS,
            discovered_at__lt=timezone.now() - timedelta(seconds=grace),
        )
        .order_by("discovered_at")
        .values_list("id", flat=True)[:REQUEUE_BATCH]
    )
    queued = 0
    for article_id in stale:
        # Once per grace period, however many ticks see it still waiting in a long queue.
        if cache.add(f"newsdesk:requeued:{article_id}", 1, grace):
            dispatch(fetch_article, article_id)
            queued += 1
    # Extracted (or given up on) but never enriched: an enrich message was lost.
    unenriched = (
        Article.objects.exclude(extraction=ExtractionState.PENDING)
        .filter(enriched_at__isnull=True, discovered_at__lt=timezone.now() - timedelta(seconds=grace))
        .order_by("discovered_at")
        .values_list("id", flat=True)[:REQUEUE_BATCH]
    )
    for article_id in unenriched:
        if cache.add(f"newsdesk:reenriched:{article_id}", 1, grace):
            dispatch(enrich_article, article_id)
            queued += 1
    return queued


def _wait_for_host_turn(task: Task, url: str) -> None:
    """Space requests to one host across every worker (per-process spacing is the fetcher's job).

    Only with a shared cache and a host delay; a task that finds the host busy is
    put back with a countdown instead of holding a worker.
    """
    from django.conf import settings

    delay = settings.NEWSDESK_HOST_DELAY
    if not settings.NEWSDESK_SHARED_HOST_LIMITS or delay <= 0 or getattr(_local, "inline", False):
        return
    host = urlsplit(url).hostname or ""
    if host and not claim_host_turn(host, delay):
        raise task.retry(countdown=delay * (1 + random.random()), max_retries=None)


def claim_host_turn(host: str, delay: float) -> bool:
    """True when nobody, in any process sharing the cache, claimed `host` in the last `delay` seconds.

    The cache counts whole seconds, so a fractional delay is rounded up.
    """
    from django.core.cache import cache

    return cache.add(f"newsdesk:host-turn:{host}", 1, max(1, math.ceil(delay)))


def pipeline_task_names() -> list[str]:
    tasks = (poll_due_feeds, poll_feed, fetch_article, enrich_article)
    return [task.name.rsplit(".", 1)[1] for task in tasks]


def run_poll_inline(feed_id: int):
    from newsdesk.ingest.poll import PollOutcome

    return PollOutcome(**_run_inline(poll_feed, feed_id))


def run_article_inline(article_id: str) -> str | None:
    return _run_inline(fetch_article, article_id)


def run_enrich_inline(article_id: str) -> None:
    _run_inline(enrich_article, article_id)


@dataclass
class EnrichReport:
    enriched: int = 0  # in this process
    queued: int = 0  # for the enrich workers
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article id, error)


def enrich_again(article_ids: list[str]) -> EnrichReport:
    """Run already stored articles through enrich_article again (`newsdesk enrich`).

    With a broker they are queued for the enrich workers, which log a failure as for any article.
    Without one they are enriched here, one by one: an article that fails is logged, recorded on
    the article (`last_error`) and skipped, and the others go on; one that succeeds loses an
    enrichment failure recorded by an earlier run.
    """
    from newsdesk.store.actions import clear_enrich_failures, record_enrich_failure

    report = EnrichReport()
    if not app.conf.task_always_eager:
        for article_id in article_ids:
            dispatch(enrich_article, article_id)
        report.queued = len(article_ids)
        return report
    done = []
    for article_id in article_ids:
        try:
            run_enrich_inline(article_id)
        except Exception as error:
            log.exception("enriching article %s again failed", article_id)
            message = f"{type(error).__name__}: {error}"
            record_enrich_failure(article_id, message)
            report.failed.append((article_id, message))
        else:
            done.append(article_id)
    clear_enrich_failures(done)
    report.enriched = len(done)
    return report


@dataclass
class RetryReport:
    extracted: list[str] = field(default_factory=list)  # the ids the articles ended under
    queued: int = 0  # for the ingest workers
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, why)
    # Failed on an error that may heal (a timeout, a refused connection): pending, the scheduler
    # tries them again, up to the attempts a page is given.
    waiting: list[tuple[str, str]] = field(default_factory=list)  # (url, why)
    # Not sent at all: the publisher asked us to pause (Retry-After); the scheduler sends them later.
    deferred: list[str] = field(default_factory=list)  # urls


def retry_pages(articles: list["Article"]) -> RetryReport:
    """Fetch and extract these articles' pages again through the task layer's `fetch_article`,
    which records or clears their failures and enriches what it extracts, as for a new article.

    With a broker they are queued for the ingest workers; without one they are fetched here, one
    by one, and each outcome is read back.
    """
    from newsdesk.models import Article, ExtractionState
    from newsdesk.store.failures import wait_for_page_again

    report = RetryReport()
    wait_for_page_again([article.id for article in articles])
    if not app.conf.task_always_eager:
        for article in articles:
            dispatch(fetch_article, article.id)
        report.queued = len(articles)
        return report
    for article in articles:
        try:
            final_id = run_article_inline(article.id)
        except Exception as error:
            report.failed.append((article.url, f"{type(error).__name__}: {error}"))
            continue
        now = (
            Article.objects.filter(id=final_id).values("extraction", "last_error", "extract_attempts").first()
        )
        if now is not None and now["extraction"] == ExtractionState.PAGE:
            report.extracted.append(final_id)
        elif now is not None and now["extraction"] == ExtractionState.PENDING and not now["extract_attempts"]:
            report.deferred.append(article.url)  # its last_error is the old one: nothing was tried
        elif now is not None and now["extraction"] == ExtractionState.PENDING:
            report.waiting.append((article.url, now["last_error"] or "not fetched this turn"))
        else:
            report.failed.append((article.url, now["last_error"] if now else "the article is gone"))
    return report


@dataclass
class CrawlReport:
    feeds_polled: int = 0
    feeds_failed: int = 0
    feeds_not_modified: int = 0
    new_articles: int = 0
    errors: list[str] = field(default_factory=list)


def crawl_once(*, workers: int | None = None) -> CrawlReport:
    """Poll every due feed and process every new, pending or unenriched article, in this process."""
    from django.conf import settings

    from newsdesk.ingest.poll import PollOutcome, due_feeds
    from newsdesk.pipeline import MAX_PAGE_ATTEMPTS
    from newsdesk.store.actions import give_up_on_pages, pending_articles, unenriched_articles

    report = CrawlReport()
    feeds = due_feeds()
    with ThreadPoolExecutor(max_workers=workers or settings.NEWSDESK_CRAWL_WORKERS) as pool:
        outcomes = pool.map(_in_thread(run_poll_inline), [f.id for f in feeds])
        for feed, outcome in zip(feeds, outcomes, strict=True):
            report.feeds_polled += 1
            if outcome is None:
                outcome = PollOutcome(feed_id=feed.id, error="the poll crashed; see the log")
            if outcome.error:
                report.feeds_failed += 1
                report.errors.append(f"feed {outcome.feed_id}: {outcome.error}")
            report.feeds_not_modified += outcome.not_modified
            report.new_articles += len(outcome.new_article_ids)
        # Pages left pending by an earlier crash or a transient error.
        give_up_on_pages(MAX_PAGE_ATTEMPTS)
        leftovers = pending_articles(limit=1000, max_attempts=MAX_PAGE_ATTEMPTS)
        list(pool.map(_in_thread(run_article_inline), leftovers))
        # Extracted, but a crash came before enrichment finished.
        list(pool.map(_in_thread(run_enrich_inline), unenriched_articles(limit=1000)))
    return report


def _in_thread(function):
    """Run `function` in a pool thread with its own database connection.

    A crash is logged and gives None: one bad feed or page never stops the crawl.
    """
    from django.db import close_old_connections, connections

    def run(arg):
        close_old_connections()
        try:
            return function(arg)
        except Exception:
            log.exception("%s(%r) failed", function.__name__, arg)
            return None
        finally:
            connections.close_all()

    return run
