import json

from django.core.management.base import BaseCommand

from newsdesk.ai.llm import LLMError
from newsdesk.ai.providers import Document, ExtractiveProvider, configured_provider, summary_text
from newsdesk.management.jsonl import BadLines, input_lines


class Command(BaseCommand):
    help = (
        'Summarise articles: reads JSON lines {"id", "title", "text"} and prints {"id", "summary"} lines, '
        "with the AI panel's provider and default length."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", metavar="INPUT.jsonl", help='JSON lines file, or "-" for standard input')

    def handle(self, *args, input: str, **options):
        with input_lines(input) as stream:
            lines = stream.read().splitlines()
        provider = configured_provider()
        bad = BadLines(input, self.stderr)
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                output = {"id": row.get("id"), "summary": self._summary(row, provider)}
            except (ValueError, AttributeError, TypeError) as error:  # one bad line must not stop the run
                bad.report(number, f"not an article object: {error}")
                output = {"line": number, "error": f"not an article object: {error}"}
            self.stdout.write(json.dumps(output, ensure_ascii=False))
        bad.fail_if_any()

    def _summary(self, row: dict, provider) -> str:
        if not isinstance(row.get("text"), str):
            raise TypeError('"text" must be a string')
        document = Document.of(title=str(row.get("title") or ""), text=row["text"])
        try:
            return summary_text(document, provider)
        except LLMError as error:
            self.stderr.write(f"{row.get('id')}: {error}; using the extractive summary")
            return summary_text(document, ExtractiveProvider())
