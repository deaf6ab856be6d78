from argparse import ArgumentTypeError
from datetime import date, datetime, time

from django.core.management.base import CommandError
from django.utils import timezone

from newsdesk.management.arguments import positive
from newsdesk.management.base import DatabaseCommand, find_source
from newsdesk.models import Article
from newsdesk.store.actions import articles_to_enrich_again, id_batches
from newsdesk.tasks import EnrichReport, enrich_again

# Articles per page of ids (one query each) and per progress line.
BATCH = 500


def day(value: str) -> datetime:
    """Midnight at the start of a YYYY-MM-DD day, in the site's time zone."""
    try:
        return timezone.make_aware(datetime.combine(date.fromisoformat(value), time.min))
    except ValueError as error:
        raise ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from error


class Command(DatabaseCommand):
    help = (
        "Run stored articles through enrichment again (vector, language, category and its evidence, "
        "hashtags, copies, story, related, summary): after an upgrade, or a change of embedder, "
        "category weights or hashtag rules. Say which articles; they go oldest first through the "
        "task layer (to the enrich workers when a broker is configured, else in this process). "
        "An article keeps the story it is in."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing-evidence",
            action="store_true",
            help="articles without stored category evidence (enriched before it was kept)",
        )
        parser.add_argument("--since", type=day, metavar="YYYY-MM-DD", help="published on or after this day")
        parser.add_argument("--source", metavar="ID_OR_SLUG", help="of this source only")
        parser.add_argument("--all", action="store_true", dest="everything", help="every extracted article")
        parser.add_argument("--limit", type=positive, metavar="N", help="at most N articles")
        parser.add_argument(
            "--batch-size", type=positive, default=BATCH, metavar="N", help=f"ids per query (default {BATCH})"
        )
        parser.add_argument("--dry-run", action="store_true", help="count the articles, change nothing")

    def handle(
        self,
        *args,
        missing_evidence: bool,
        since: datetime | None,
        source: str | None,
        everything: bool,
        limit: int | None,
        batch_size: int,
        dry_run: bool,
        **options,
    ):
        if not (missing_evidence or since or source or everything):
            raise CommandError(
                "say which articles to enrich again: --missing-evidence, --since YYYY-MM-DD, "
                "--source ID_OR_SLUG, or --all for every article"
            )
        selection = articles_to_enrich_again(
            missing_evidence=missing_evidence, since=since, source_id=find_source(source) if source else None
        )
        if dry_run:
            count = selection.count()
            self.stdout.write(f"would enrich {min(count, limit or count)} articles again")
            return
        total = EnrichReport()
        for ids in id_batches(selection, batch_size, limit):
            report = enrich_again(ids)
            total.enriched += report.enriched
            total.queued += report.queued
            total.failed += report.failed
            for article_id, error in report.failed:
                self.stderr.write(f"article {article_id}: {error}")
            reached = Article.objects.filter(id=ids[-1]).values_list("published_at", flat=True).first()
            self.stdout.write(
                f"{progress(total)}; up to articles published {timezone.localtime(reached):%Y-%m-%d %H:%M}"
                if reached
                else progress(total)
            )
        self.stdout.write(f"done: {progress(total)}")


def progress(report: EnrichReport) -> str:
    parts = [f"{report.enriched} enriched again"]
    if report.queued:
        parts = [f"{report.queued} queued for the enrich workers"]
    failed = f"{len(report.failed)} failed"
    parts.append(f"{failed} (see each article's last_error)" if report.failed else failed)
    return ", ".join(parts)
