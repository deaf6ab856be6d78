from pathlib import Path

from django.core.management.base import CommandError

from newsdesk.ingest.feeds import FeedParseError
from newsdesk.ingest.sources import export_opml, import_opml
from newsdesk.management.base import DatabaseCommand


class Command(DatabaseCommand):
    help = "Import sources from OPML, or export them as OPML."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("import").add_argument("file", type=Path)
        sub.add_parser("export").add_argument("--output", type=Path, default=None)

    def handle(self, *args, action, **options):
        if action == "import":
            try:
                report = import_opml(options["file"].read_bytes())
            except (OSError, FeedParseError, ValueError) as error:
                raise CommandError(f"cannot import {options['file']}: {error}") from error
            self.stdout.write(
                f"{report.sources_created} sources and {report.feeds_created} feeds added, "
                f"{report.feeds_skipped} feeds already present"
            )
            if report.problem:
                self.stderr.write(f"warning: {report.problem}")
            if report.rejected_urls:
                self.stdout.write(
                    f"{report.outlines_rejected} outlines skipped, their URLs cannot be fetched:"
                )
                for url, reason in report.rejected_urls:
                    self.stdout.write(f"  {url}: {reason}")
        else:
            text = export_opml()
            if options["output"]:
                try:
                    options["output"].write_text(text, encoding="utf-8")
                except OSError as error:
                    raise CommandError(f"cannot write {options['output']}: {error.strerror}") from error
            else:
                self.stdout.write(text)
