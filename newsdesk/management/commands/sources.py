from django.core.management.base import CommandError
from django.utils import timezone

from newsdesk.ingest.sources import (
    SourceError,
    add_feed_unread,
    add_source,
    load_default_sources,
    pause_feeds,
    resume_feeds,
)
from newsdesk.management.base import DatabaseCommand, one_line
from newsdesk.models import Article, Feed
from newsdesk.pipeline import shared_fetcher


class Command(DatabaseCommand):
    help = "Add, list, pause, resume and remove publishers' sources and feeds."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a feed URL, or a homepage that links to its feeds")
        add.add_argument("url")
        add.add_argument("--name", default="", help="publisher name (default: the feed's title)")
        add.add_argument("--section", default="", help="the feed's section, a prior for its category")
        add.add_argument(
            "--no-fetch",
            action="store_true",
            help="store the URL as a feed without fetching it now (the publisher is down, or this "
            "machine is offline); it must be the feed's own URL, read on the next poll",
        )
        sub.add_parser("list", help="every feed with its health")
        pause = sub.add_parser("pause", help="stop polling a feed (its articles stay)")
        pause.add_argument("url", help="the feed's URL, as `sources list` shows it")
        pause.add_argument("--reason", default="", help="shown in `sources list` and the admin")
        sub.add_parser("resume", help="poll a paused or disabled feed again, now").add_argument("url")
        remove = sub.add_parser("remove", help="delete a feed; the articles it brought stay")
        remove.add_argument("url")
        sub.add_parser("load-defaults", help="load the default publisher list into an empty site")

    def handle(self, *args, action, **options):
        if action == "add":
            named = {"name": options["name"], "section": options["section"]}
            try:
                if options["no_fetch"]:
                    feeds = [add_feed_unread(options["url"], **named)]
                else:
                    feeds = add_source(options["url"], shared_fetcher(), **named)
            except SourceError as error:
                raise CommandError(str(error)) from error
            for feed, new in feeds:
                done = "added" if new else "already present"
                self.stdout.write(f"{done} {feed.source.name}: {feed.url}")
        elif action == "list":
            now = timezone.now()
            if not Feed.objects.exists():
                self.stdout.write(
                    "no feeds yet: `newsdesk sources add URL` or `newsdesk sources load-defaults`"
                )
            for feed in Feed.objects.select_related("source"):
                if feed.disabled_at:
                    state = f"disabled: {one_line(feed.disabled_reason)}"
                elif not feed.source.is_active:
                    state = "source inactive"  # never polled while so
                else:
                    state = f"next poll in {max(0, int((feed.next_poll_at - now).total_seconds()))}s"
                if feed.consecutive_errors and feed.last_error and not feed.disabled_at:
                    state += f"\tlast error: {one_line(feed.last_error)}"
                self.stdout.write(
                    f"{feed.source.name}\t{feed.url}\tstatus={feed.last_status or '-'}\t"
                    f"errors={feed.consecutive_errors}\t{state}"
                )
        elif action == "load-defaults":
            self._load_defaults()
        else:
            self._change_feed(action, options["url"], options.get("reason", ""))

    def _change_feed(self, action: str, url: str, reason: str) -> None:
        feeds = Feed.objects.filter(url=url.strip())
        if not feeds.exists():
            raise CommandError(f"no feed {url!r}: `newsdesk sources list` shows the feeds' URLs")
        if action == "pause":
            done = "paused" if pause_feeds(feeds, reason) else "already paused or disabled"
        elif action == "resume":
            resume_feeds(feeds)
            done = "resumed, polled on the next pass"
        else:
            kept = Article.objects.filter(feed__in=feeds).count()
            feeds.delete()
            done = f"removed; its {kept} articles stay"
        self.stdout.write(f"{done}: {url.strip()}")

    def _load_defaults(self) -> None:
        """Asked for by name, so NEWSDESK_LOAD_DEFAULT_SOURCES, which governs only the automatic
        load at `newsdesk run` (ensure_default_sources), does not apply."""
        report = load_default_sources()
        if report is None:
            self.stdout.write("sources already present; nothing loaded")
            return
        self.stdout.write(f"loaded {report.sources_created} sources, {report.feeds_created} feeds")
