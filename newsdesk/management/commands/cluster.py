import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.enrich.stories.stream import cluster_stream, read_items


class Command(BaseCommand):
    help = (
        'Group news items into stories. Reads JSON lines {"id", "title", "text"?, "url"?, "source"?, '
        '"published"} (ISO 8601 or epoch milliseconds) from a file or "-" for stdin, processes them in '
        'time order as a stream and prints {"id", "story"} lines.'
    )

    def add_arguments(self, parser):
        parser.add_argument("input", metavar="INPUT.jsonl")

    def handle(self, *args, input: str, **options):
        bad = 0

        def report(line_number: int, error: str) -> None:
            nonlocal bad
            bad += 1
            self.stderr.write(f"{input}:{line_number}: skipped: {error}")

        if input == "-":
            items = read_items(sys.stdin, report)
        else:
            path = Path(input)
            if not path.is_file():
                raise CommandError(f"no file at {path}")
            with path.open(encoding="utf-8") as lines:
                items = read_items(lines, report)
        if items:
            from newsdesk.enrich.embeddings import get_embedder

            embedder = get_embedder()
            for item_id, story in cluster_stream(items, embedder.embed):
                self.stdout.write(json.dumps({"id": item_id, "story": story}))
        if bad:
            raise CommandError(f"{bad} bad lines skipped")
