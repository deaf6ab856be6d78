"""Celery at scale, for real: a Redis broker, a worker process (with its beat), a worker killed mid-run.

pytest's test database is invisible to another process, so the worker gets a database of its
own on the pass's engine: a SQLite file, or a scratch database on the pass's PostgreSQL server.
The test reads it directly, outside Django.
"""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from newsdesk.store.identity import article_id, canonicalize_url
from newsdesk.testing import FixtureArticle, FixtureFeed, FixtureWeb, Publisher
from newsdesk.testing.redis import redis_available, redis_server
from newsdesk.testing.services import require

PROJECT_DIR = Path(__file__).resolve().parent.parent
STORIES_PER_PUBLISHER = 8
PAGE_SECONDS = 0.5  # long enough that the kill lands inside a page fetch
KILL_AFTER_PAGES_STARTED = 5
WAIT_SECONDS = 180
TOPICS = ["the ferry timetable", "the harbour wall", "the fish market", "the lifeboat station"]


@dataclass
class SlowPage:
    """Serves `page` after a pause, counting fetches that started and that are still running."""

    page: object
    progress: "PageProgress"

    def respond(self, request) -> int:
        self.progress.started()
        try:
            request.server.web.stopping.wait(PAGE_SECONDS)
            return self.page.respond(request)
        finally:
            self.progress.finished()


@dataclass
class PageProgress:
    lock: threading.Lock = field(default_factory=threading.Lock)
    started_count: int = 0
    running: int = 0
    enough: threading.Event = field(default_factory=threading.Event)

    def started(self) -> None:
        with self.lock:
            self.started_count += 1
            self.running += 1
            if self.started_count >= KILL_AFTER_PAGES_STARTED:
                self.enough.set()

    def finished(self) -> None:
        with self.lock:
            self.running -= 1


def stories(publisher_name: str) -> list[FixtureArticle]:
    published = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
    slug = publisher_name.lower().replace(" ", "-")
    return [
        FixtureArticle(
            key=f"{slug}:{i}",
            path=f"/news/local/{slug}-story-{i}",
            canonical_path=f"/news/local/{slug}-story-{i}",
            title=f"{publisher_name} story {i}: the council votes on {TOPICS[i % len(TOPICS)]}",
            published=published - timedelta(hours=i),
            summary=f"Councillors in {publisher_name}'s town voted on {TOPICS[i % len(TOPICS)]}.",
            section="local",
            paragraphs=[
                f"Councillors met on evening {i} to vote on {TOPICS[i % len(TOPICS)]}, "
                f"a matter {publisher_name} readers have written about for months.",
                f"The motion number {i * 7 + 3} passed after a long debate in which residents "
                "spoke about the cost, the schedule and the noise of the building work.",
                f"Officials said the work would start within {i + 2} weeks and that the harbour "
                "would stay open to boats and walkers for the whole of the project.",
                f"Opponents promised to raise the matter again at meeting {i + 40}, "
                "saying the town deserved a full survey before any money was spent.",
            ],
        )
        for i in range(STORIES_PER_PUBLISHER)
    ]


def newsdesk_command(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "newsdesk", *args], env=env, cwd=PROJECT_DIR, check=True, timeout=120
    )


def start_worker(env: dict, work_dir: Path, generation: int) -> subprocess.Popen:
    """A prefork worker with two processes and an embedded beat, in its own process group."""
    log = open(work_dir / f"worker-{generation}.log", "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "newsdesk.tasks", "worker",
            "--beat", "--schedule", str(work_dir / "beat-schedule"),
            "--pool", "prefork", "--concurrency", "2", "--queues", "ingest,enrich",
            "--hostname", f"test{generation}@%h", "--loglevel", "INFO",
            "--without-mingle", "--without-gossip",
        ],
        env=env, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def kill_group(worker: subprocess.Popen, how: int) -> None:
    try:
        os.killpg(worker.pid, how)
    except ProcessLookupError:
        return
    worker.wait(timeout=30)


STORED_ARTICLES = (
    "SELECT a.id, a.canonical_url, a.content_hash, a.extraction,"
    " (SELECT COUNT(*) FROM newsdesk_articlehashtag h WHERE h.article_id = a.id)"
    " FROM newsdesk_article a"
)
Query = Callable[[str], list[tuple]]


@contextmanager
def worker_database(tmp_path: Path) -> Iterator[tuple[str, Query]]:
    """(DATABASE_URL for the worker, a query function) on the engine this test pass runs on."""
    pass_url = os.environ.get("DATABASE_URL", "")
    if not pass_url.startswith(("postgres://", "postgresql://")):
        database = tmp_path / "newsdesk.sqlite3"

        def query_sqlite(sql: str) -> list[tuple]:
            with sqlite3.connect(database, timeout=30) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{database}", query_sqlite
        return

    import psycopg

    name = f"newsdesk_celery_{os.getpid()}"
    parts = urlsplit(pass_url)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')

    def query_postgres(sql: str) -> list[tuple]:
        with psycopg.connect(url) as db:
            return db.execute(sql).fetchall()

    try:
        yield url, query_postgres
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


TASK_TAKEN = re.compile(r"Task (newsdesk\.tasks\.\w+)\[([0-9a-f-]+)\] received")
TASK_FINISHED = re.compile(r"Task newsdesk\.tasks\.\w+\[([0-9a-f-]+)\] (?:succeeded|raised|retry)")


def task_log(log: Path) -> tuple[dict[str, str], set[str]]:
    """({task id: task name} a worker took, {task ids} it finished) from its INFO log."""
    text = log.read_text(errors="replace")
    taken = {task_id: name for name, task_id in TASK_TAKEN.findall(text)}
    return taken, set(TASK_FINISHED.findall(text))


def wait_for(condition, what: str, log_dir: Path, query: Query) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            rows = "\n".join(
                f"{row[0]} extraction={row[3]} hashtags={row[4]}" for row in query(STORED_ARTICLES)
            )
            logs = "\n".join(
                f"--- {log.name}\n" + "\n".join(
                    line for line in log.read_text(errors="replace").splitlines()
                    if "poll_due_feeds" not in line and "poll-due-feeds" not in line
                )[-6000:]
                for log in sorted(log_dir.glob("*.log"))
            )  # fmt: skip
            pytest.fail(
                f"gave up after {WAIT_SECONDS}s waiting for {what}; articles:\n{rows}\n"
                f"worker logs (without the ticks):\n{logs}"
            )
        time.sleep(0.2)


def test_a_worker_killed_mid_run_loses_no_article_and_duplicates_none(tmp_path):
    require(redis_available(), "Redis (redis-server or NEWSDESK_TEST_REDIS_URL)")
    progress = PageProgress()
    publishers = [Publisher("Harbour Gazette"), Publisher("Quayside Post")]
    for publisher in publishers:
        publisher.add_feed(FixtureFeed("/feed.xml", f"{publisher.name}: latest", stories(publisher.name)))
    with (
        FixtureWeb(publishers) as web,
        redis_server() as redis_url,
        worker_database(tmp_path) as (database_url, query),
    ):
        for publisher in publishers:
            for story in publisher.articles:
                publisher.add_route(story.path, SlowPage(publisher.route_for(story.path), progress))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "NEWSDESK_VAR_DIR": str(tmp_path / "var"),
            "NEWSDESK_SCHEDULER_INTERVAL": "1",
            # The killed tasks come back from the broker after this (checked in the logs below).
            "NEWSDESK_TASK_VISIBILITY_TIMEOUT": "3",
            # Redis's transport takes a message (BRPOP) before it records it as unacknowledged;
            # a kill between the two loses it, and the periodic sweep is what recovers that.
            "NEWSDESK_REQUEUE_AFTER_SECONDS": "30",
        }
        newsdesk_command(env, "migrate", "--noinput", "--verbosity", "0")
        subscriptions = tmp_path / "subscriptions.opml"
        subscriptions.write_bytes(web.opml())
        newsdesk_command(env, "opml", "import", str(subscriptions))

        first = start_worker(env, tmp_path, 1)
        try:
            assert progress.enough.wait(WAIT_SECONDS), "the worker never started fetching pages"
            with progress.lock:
                kill_group(first, signal.SIGKILL)
                running_at_kill = progress.running
        finally:
            kill_group(first, signal.SIGKILL)
        done_at_kill = [row for row in query(STORED_ARTICLES) if row[3] == "page"]
        assert running_at_kill >= 1, "the kill did not land during a page fetch"
        assert len(done_at_kill) < 2 * STORIES_PER_PUBLISHER

        second = start_worker(env, tmp_path, 2)
        try:

            def all_enriched() -> bool:
                rows = query(STORED_ARTICLES)
                return len(rows) >= 2 * STORIES_PER_PUBLISHER and all(
                    row[3] == "page" and row[4] > 0 for row in rows
                )

            wait_for(all_enriched, "every article extracted and tagged", tmp_path, query)
        finally:
            kill_group(second, signal.SIGTERM)

        # acks_late at work: a fetch the first worker took and never finished, the second took
        # again (a task is logged as received only once the broker records it as unacknowledged).
        taken_by_first, finished_by_first = task_log(tmp_path / "worker-1.log")
        taken_by_second, _ = task_log(tmp_path / "worker-2.log")
        cut_short = {
            task_id for task_id, name in taken_by_first.items() if name.endswith(".fetch_article")
        } - finished_by_first
        assert cut_short, "the first worker's log shows no fetch cut short by the kill"
        assert cut_short & set(taken_by_second), "no fetch cut short by the kill was handed out again"

        expected = {
            article_id(canonicalize_url(publisher.url(story.stored_path)))
            for publisher in publishers
            for story in publisher.articles
        }
        rows = query(STORED_ARTICLES)
        ids = [row[0] for row in rows]
        assert sorted(ids) == sorted(expected)  # nothing lost, nothing twice
        assert len({row[1] for row in rows}) == len(rows)
        assert len({row[2] for row in rows}) == len(rows)
        assert len({r.path for r in web.requests if r.path.startswith("/news/")}) == len(expected)


# --- The periodic tick, in process (tasks run eagerly, as on the embedded default).


@pytest.mark.django_db
def test_the_tick_claims_due_feeds_and_requeues_pages_left_waiting(settings):
    from django.core.cache import cache
    from django.utils import timezone

    from newsdesk.models import Article, ExtractionState, Feed, Source
    from newsdesk.pipeline import reset_shared_fetcher
    from newsdesk.tasks import poll_due_feeds, requeue_waiting_articles

    cache.clear()
    reset_shared_fetcher()
    publisher = Publisher("Harbour Gazette")
    publisher.add_feed(FixtureFeed("/feed.xml", "Harbour Gazette: latest", stories("Harbour Gazette")[:2]))
    with FixtureWeb([publisher]) as web:
        source = Source.objects.create(name=publisher.name, slug="harbour-gazette")
        feed = Feed.objects.create(source=source, url=publisher.feed_urls()[0])
        disabled = Feed.objects.create(
            source=source, url=publisher.url("/gone.xml"), disabled_at=timezone.now()
        )

        assert poll_due_feeds.apply().get() == 1
        feed.refresh_from_db()
        assert feed.last_status == 200
        assert timezone.now() < feed.next_poll_at
        assert poll_due_feeds.apply().get() == 0  # not due again
        assert not web.requests_for(disabled.url)
        extracted = Article.objects.filter(extraction=ExtractionState.PAGE)
        assert extracted.count() == 2

        # A page whose task was lost: still pending long after it was found.
        lost = extracted.first()
        discovered = timezone.now() - timedelta(seconds=settings.NEWSDESK_REQUEUE_AFTER_SECONDS + 60)
        Article.objects.filter(id=lost.id).update(
            extraction=ExtractionState.PENDING, discovered_at=discovered
        )
        web.clear_requests()

        assert requeue_waiting_articles() == 1
        assert Article.objects.get(id=lost.id).extraction == ExtractionState.PAGE
        assert [r.path for r in web.requests if r.path.startswith("/news/")] == [urlsplit_path(lost.url)]
        # Queued once per period, however many ticks see it.
        Article.objects.filter(id=lost.id).update(extraction=ExtractionState.PENDING)
        assert requeue_waiting_articles() == 0
    reset_shared_fetcher()


def urlsplit_path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path
