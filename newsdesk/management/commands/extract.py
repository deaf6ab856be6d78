import json

from django.core.management.base import BaseCommand, CommandError

from newsdesk.extract.inputs import extract_source, is_web_url


class Command(BaseCommand):
    help = "Extract article text, HTML and metadata from saved pages (.html, .html.gz) or URLs."

    def add_arguments(self, parser):
        parser.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument(
            "--url", default=None, help="the page URL of a file input, for links and fallback url"
        )
        parser.add_argument("--jsonl", action="store_true", help="one compact JSON object per line")

    def handle(self, *args, inputs: list[str], url: str | None, jsonl: bool, **options):
        fetcher = None
        if any(is_web_url(source) for source in inputs):
            from newsdesk.ingest.fetch import Fetcher

            fetcher = Fetcher.from_settings()
        failed = 0
        for source in inputs:
            try:
                output = extract_source(source, url, fetcher).to_json(source)
            except Exception as error:  # one bad page must not stop the run; it is reported instead
                failed += 1
                output = {"input": source, "error": f"{type(error).__name__}: {error}"}
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=None if jsonl else 2))
        if failed:
            raise CommandError(f"{failed} of {len(inputs)} inputs failed")
