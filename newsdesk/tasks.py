"""The one task layer: every pipeline stage is a plain function, run through Celery.

With no broker configured (the embedded default) Celery runs tasks eagerly, in
process; with `CELERY_BROKER_URL`/`REDIS_URL` set, the same calls go to workers.
`newsdesk crawl --once` always runs in process, whatever is configured.
"""

import os
import threading

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

app = Celery("newsdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")

_local = threading.local()


def dispatch(task: Task, *args) -> None:
    """Queue `task`, or run it right here when this thread is working in process."""
    if getattr(_local, "inline", False) or app.conf.task_always_eager:
        task.apply(args=args, throw=True)
    else:
        task.delay(*args)


def _run_inline(task: Task, *args):
    previous = getattr(_local, "inline", False)
    _local.inline = True
    try:
        return task.apply(args=args, throw=True).get()
    finally:
        _local.inline = previous


@app.task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def poll_feed(feed_id: int) -> dict:
    from newsdesk.pipeline import poll_stage

    outcome = poll_stage(feed_id)
    for article_id in outcome.new_article_ids:
        dispatch(process_article, article_id)
    return outcome.__dict__


@app.task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def process_article(article_id: str) -> str | None:
    from newsdesk.pipeline import process_article as process

    return process(article_id)


@app.task
def poll_due_feeds() -> int:
    """The periodic tick: queue a poll for every feed that is due."""
    from newsdesk.ingest.poll import due_feeds

    feeds = due_feeds()
    for feed in feeds:
        dispatch(poll_feed, feed.id)
    return len(feeds)


def run_poll_inline(feed_id: int):
    from newsdesk.ingest.poll import PollOutcome

    return PollOutcome(**_run_inline(poll_feed, feed_id))


def run_article_inline(article_id: str) -> str | None:
    return _run_inline(process_article, article_id)
