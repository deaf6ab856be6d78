import logging
import subprocess
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from newsdesk.ingest.sources import ensure_default_sources
from newsdesk.management.commands.serve import gunicorn_argv
from newsdesk.store.search_index import refresh_planner_statistics, trim_recent_search_index
from newsdesk.tasks import crawl_once

log = logging.getLogger(__name__)


STATISTICS_EVERY_SECONDS = 6 * 3600


def scheduler_loop(stop: threading.Event) -> None:
    """Poll due feeds every NEWSDESK_SCHEDULER_INTERVAL seconds; one failing pass never stops it."""
    statistics_due = time.monotonic() + STATISTICS_EVERY_SECONDS
    while not stop.is_set():
        try:
            report = crawl_once()
            log.info("crawl: %s feeds polled, %s new articles", report.feeds_polled, report.new_articles)
            trim_recent_search_index(connection)
            if time.monotonic() >= statistics_due:
                refresh_planner_statistics(connection)
                statistics_due = time.monotonic() + STATISTICS_EVERY_SECONDS
        except Exception:
            log.exception("crawl pass failed; retrying at the next tick")
        stop.wait(settings.NEWSDESK_SCHEDULER_INTERVAL)


class Command(BaseCommand):
    help = "Serve the site and run the feed scheduler together (the embedded default)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-crawl", action="store_true", help="serve only")

    def handle(self, *args, host: str, port: int, workers: int, no_crawl: bool, **options):
        report = ensure_default_sources()
        if report:
            self.stdout.write(f"loaded the default list: {report.feeds_created} feeds")
        call_command("collectstatic", interactive=False, verbosity=0)
        server = subprocess.Popen(gunicorn_argv(host, port, workers))
        self.stdout.write(f"serving on http://{host}:{port}/ (Ctrl-C stops)")
        stop = threading.Event()
        if not no_crawl:
            threading.Thread(target=scheduler_loop, args=(stop,), daemon=True, name="scheduler").start()
        try:
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            server.terminate()
            server.wait(timeout=10)
