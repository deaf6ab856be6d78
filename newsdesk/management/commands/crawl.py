import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsdesk.tasks import crawl_once


class Command(BaseCommand):
    help = "Poll due feeds and fetch and extract new articles, in this process."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass over every due feed, then exit")
        parser.add_argument("--workers", type=int, default=None, help="feeds polled in parallel")

    def handle(self, *args, once: bool, workers: int | None, **options):
        while True:
            report = crawl_once(workers=workers)
            self.stdout.write(
                f"polled {report.feeds_polled} feeds ({report.feeds_not_modified} unchanged, "
                f"{report.feeds_failed} failed), {report.new_articles} new articles"
            )
            # Each failure is already in the log, with its URL; here only what to do about them.
            if report.feeds_failed:
                self.stderr.write(f"{report.feeds_failed} feeds failed: `newsdesk sources list` shows why")
            if once:
                if report.feeds_polled and report.feeds_failed == report.feeds_polled:
                    raise CommandError("every feed failed: is this machine offline, or its DNS down?")
                return
            time.sleep(settings.NEWSDESK_SCHEDULER_INTERVAL)
