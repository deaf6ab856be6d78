import json
from collections.abc import Iterable, Iterator

from django.core.management.base import BaseCommand

from newsdesk.ai.llm import LLMError
from newsdesk.ai.providers import Document, ExtractiveProvider, configured_provider, summary_text
from newsdesk.management.jsonl import BadLines, Report, input_lines, json_objects


def read_articles(lines: Iterable[str], report: Report) -> Iterator[dict]:
    """Articles of a JSON-lines stream; a bad line is reported and skipped, never fatal."""
    for number, row in json_objects(lines, report):
        if not isinstance(row.get("text"), str):
            report(number, '"text" must be a string')
            continue
        if not isinstance(row.get("title") or "", str):
            report(number, '"title" must be a string')
            continue
        yield row


class Command(BaseCommand):
    help = (
        'Summarise articles: reads JSON lines {"id", "title", "text"} and prints {"id", "summary"} lines, '
        "with the AI panel's provider and default length."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", metavar="INPUT.jsonl", help='JSON lines file, or "-" for standard input')

    def handle(self, *args, input: str, **options):
        provider = configured_provider()
        bad = BadLines(input, self.stderr)
        with input_lines(input, bad) as lines:
            for row in read_articles(lines, bad.report):
                output = {"id": row["id"], "summary": self._summary(row, provider)}
                self.stdout.write(json.dumps(output, ensure_ascii=False))
        bad.fail_if_any()

    def _summary(self, row: dict, provider) -> str:
        document = Document.of(title=row.get("title") or "", text=row["text"])
        try:
            return summary_text(document, provider)
        except LLMError as error:
            self.stderr.write(f"{row['id']}: {error}; using the extractive summary")
            return summary_text(document, ExtractiveProvider())
