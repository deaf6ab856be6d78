import time

from django.conf import settings
from django.core.management.base import CommandError

from newsdesk.management.arguments import positive
from newsdesk.management.base import DatabaseCommand
from newsdesk.tasks import crawl_once

# A pass where this many feeds or more were polled and every one failed points at the machine.
OFFLINE_EVIDENCE = 2


class Command(DatabaseCommand):
    help = "Poll due feeds and fetch and extract new articles, in this process."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass over every due feed, then exit")
        parser.add_argument("--workers", type=positive, default=None, help="feeds polled in parallel")

    def handle(self, *args, once: bool, workers: int | None, **options):
        while True:
            report = crawl_once(workers=workers)
            self.stdout.write(
                f"polled {report.feeds_polled} feeds ({report.feeds_not_modified} unchanged, "
                f"{report.feeds_failed} failed), {report.new_articles} new articles"
            )
            # Each failure is already in the log, with its URL; here only what to do about them.
            polled, failed = report.feeds_polled, report.feeds_failed
            if once and polled >= OFFLINE_EVIDENCE and failed == polled:
                raise CommandError(
                    f"all {polled} polled feeds failed: is this machine offline, or its DNS down? "
                    "(`newsdesk sources list` shows each feed's error)"
                )
            if failed:
                self.stderr.write(
                    f"{failed} of {polled} polled feeds failed: `newsdesk sources list` shows why"
                )
            if once:
                return
            time.sleep(settings.NEWSDESK_SCHEDULER_INTERVAL)
