import logging
import signal
import subprocess
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from newsdesk.ingest.sources import ensure_default_sources
from newsdesk.management.arguments import positive
from newsdesk.management.base import unapplied_migrations
from newsdesk.management.commands.serve import gunicorn_argv
from newsdesk.store.search_index import refresh_planner_statistics, trim_recent_search_index
from newsdesk.tasks import crawl_once

log = logging.getLogger(__name__)


STATISTICS_EVERY_SECONDS = 6 * 3600
# Signals that stop `run`, and with it the web server and the scheduler.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# How long gunicorn may take to finish its requests before it is killed (its own limit is 30 s).
SERVER_STOP_SECONDS = 10
# How long a crawl pass under way may take to wind down before the process exits anyway.
SCHEDULER_STOP_SECONDS = 5


class Stopped(Exception):
    """SIGTERM or SIGINT asked `run` to stop."""


def _stop(signum, frame) -> None:
    # Once stopping, a second signal must not cut the clean-up short and leave the server running.
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, signal.SIG_IGN)
    raise Stopped(signal.Signals(signum).name)


def stop_server(server: subprocess.Popen) -> None:
    """Stop gunicorn (SIGTERM: it finishes the requests under way), killing it if it takes too long."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=SERVER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        log.warning("the web server did not stop in %s s; killing it", SERVER_STOP_SECONDS)
        server.kill()
        server.wait()


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
    help = (
        "Serve the site and run the feed scheduler together (the embedded default); the database "
        "is migrated first. SIGTERM or Ctrl-C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=positive, default=2)
        parser.add_argument("--no-crawl", action="store_true", help="serve only")

    def handle(self, *args, host: str, port: int, workers: int, no_crawl: bool, **options):
        self._set_up()
        previous = {stop_signal: signal.signal(stop_signal, _stop) for stop_signal in STOP_SIGNALS}
        stop = threading.Event()
        scheduler = threading.Thread(target=scheduler_loop, args=(stop,), daemon=True, name="scheduler")
        server = None
        exit_status = None  # the server's, when it stopped by itself
        try:
            server = subprocess.Popen(gunicorn_argv(host, port, workers))
            self.stdout.write(f"serving on http://{host}:{port}/ (Ctrl-C stops)")
            if not no_crawl:
                scheduler.start()
            exit_status = server.wait()
        except Stopped as signalled:
            self.stdout.write(f"{signalled}: stopping")
        finally:
            for stop_signal in STOP_SIGNALS:
                signal.signal(stop_signal, signal.SIG_IGN)
            stop.set()
            if server is not None:
                stop_server(server)
            # A second signal from here on stops at once, as it would any program.
            for stop_signal, handler in previous.items():
                signal.signal(stop_signal, handler)
            if scheduler.is_alive():
                scheduler.join(timeout=SCHEDULER_STOP_SECONDS)
        if exit_status:
            raise CommandError(
                f"the web server stopped with exit status {exit_status}; see its messages above "
                f'("Can\'t connect" there: another program is using {host}:{port}; stop it, '
                "or choose another --port)"
            )

    def _set_up(self) -> None:
        """Everything a first start needs, each step doing nothing when already done."""
        if unapplied_migrations():
            self.stdout.write("setting up the database")
            call_command("migrate", interactive=False, verbosity=0)
        report = ensure_default_sources()
        if report:
            self.stdout.write(f"loaded the default list: {report.feeds_created} feeds")
        call_command("collectstatic", interactive=False, verbosity=0)
