import json

from django.core.management.base import BaseCommand

from newsdesk.enrich.stories.stream import cluster_stream, read_items
from newsdesk.management.jsonl import BadLines, input_lines


class Command(BaseCommand):
    help = (
        'Group news items into stories. Reads JSON lines {"id", "title", "text"?, "url"?, "source"?, '
        '"published"} (ISO 8601 or epoch milliseconds) from a file or "-" for stdin, processes them in '
        'time order as a stream and prints {"id", "story"} lines.'
    )

    def add_arguments(self, parser):
        parser.add_argument("input", metavar="INPUT.jsonl")

    def handle(self, *args, input: str, **options):
        bad = BadLines(input, self.stderr)
        with input_lines(input, bad) as lines:
            items = read_items(lines, bad.report)
        if items:
            from newsdesk.enrich.embeddings import get_embedder

            embedder = get_embedder()
            for item_id, story in cluster_stream(items, embedder.embed):
                self.stdout.write(json.dumps({"id": item_id, "story": story}))
        bad.fail_if_any()
