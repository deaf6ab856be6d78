"""`newsdesk failures`: the article pages that failed to fetch or extract, and trying them again."""

from django.core.management.base import CommandError
from django.utils import timezone

from newsdesk.management.arguments import positive
from newsdesk.management.base import DatabaseCommand, find_source, one_line
from newsdesk.models import ExtractionState
from newsdesk.store.actions import find_article
from newsdesk.store.failures import LISTED, PageFailure, failing_articles, page_failures
from newsdesk.tasks import retry_pages


def failure_line(failure: PageFailure) -> str:
    """One failure on one line, tab-separated as `newsdesk sources list` gives feeds."""
    last = timezone.localtime(failure.last_seen_at)
    return (
        f"{failure.source or '-'}\t{failure.url}\t{failure.stage}\tstatus={failure.status_code or '-'}\t"
        f"attempts={failure.attempts}\tlast={last:%Y-%m-%d %H:%M %Z}\t{one_line(failure.error)}"
    )


class Command(DatabaseCommand):
    help = (
        "Article pages that failed to fetch or extract (the article is then shown from its feed "
        "entry), and fetching them again."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the most recent page failures, newest first")
        listing.add_argument("--source", metavar="ID_OR_SLUG", help="of this source only")
        listing.add_argument(
            "--limit", type=positive, default=LISTED, metavar="N", help=f"at most N (default {LISTED})"
        )
        retry = sub.add_parser(
            "retry",
            help="fetch and extract a failed article's page again (with a broker: queue it for the workers)",
        )
        retry.add_argument("article", nargs="?", metavar="ID_OR_URL", help="the article's id or URL")
        retry.add_argument("--source", metavar="ID_OR_SLUG", help="every failed page of this source")

    def handle(self, *args, action: str, source: str | None, **options):
        source_id = find_source(source) if source else None
        if action == "list":
            self._list(source_id, options["limit"])
        else:
            self._retry(options["article"], source_id)

    def _list(self, source_id: int | None, limit: int) -> None:
        failures = page_failures(source_id=source_id, limit=limit)
        if not failures:
            self.stdout.write("no page failures recorded" + (" for that source" if source_id else ""))
        for failure in failures:
            self.stdout.write(failure_line(failure))

    def _retry(self, id_or_url: str | None, source_id: int | None) -> None:
        if bool(id_or_url) == bool(source_id):
            raise CommandError(
                "say which pages to fetch again: an article's id or URL (as `newsdesk failures list` "
                "shows it), or --source ID_OR_SLUG for every failed page of a source, not both"
            )
        if id_or_url:
            article = find_article(id_or_url)
            if article is None:
                raise CommandError(
                    f"no article with the id or URL {id_or_url!r}: `newsdesk failures list` shows the "
                    "URLs of failed pages"
                )
            if article.extraction == ExtractionState.PAGE:
                raise CommandError(f"the page of {article.url} is already extracted: nothing to retry")
            articles = [article]
        else:
            articles = list(failing_articles(source_id).only("id", "url"))
            if not articles:
                self.stdout.write("no failed pages of that source to retry")
                return
        report = retry_pages(articles)
        if report.queued:
            self.stdout.write(f"{report.queued} queued for the ingest workers")
            return
        for url, error in report.failed:
            self.stderr.write(f"failed again: {url}: {one_line(error)}")
        for url, error in report.waiting:
            self.stderr.write(f"failed again, the scheduler tries it again later: {url}: {one_line(error)}")
        for url in report.deferred:
            self.stderr.write(f"not sent, the publisher asked us to wait; the scheduler fetches it: {url}")
        failed = len(report.failed) + len(report.waiting)
        summary = f"{len(report.extracted)} extracted, {failed} failed again"
        if report.deferred:
            summary += f", {len(report.deferred)} left to the scheduler (not sent)"
        self.stdout.write(summary)
        if failed:
            raise CommandError(
                f"{failed} of {len(articles)} pages failed again and stay shown from their feed entry "
                "(`newsdesk failures list` shows why)"
            )
