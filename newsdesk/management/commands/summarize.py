import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.ai.llm import LLMError
from newsdesk.ai.providers import Document, ExtractiveProvider, configured_provider, summary_text


class Command(BaseCommand):
    help = (
        'Summarise articles: reads JSON lines {"id", "title", "text"} and prints {"id", "summary"} lines, '
        "with the AI panel's provider and default length."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", metavar="INPUT.jsonl", help='JSON lines file, or "-" for standard input')

    def handle(self, *args, input: str, **options):
        if input == "-":
            lines = sys.stdin.read().splitlines()
        elif Path(input).is_file():
            lines = Path(input).read_text(encoding="utf-8").splitlines()
        else:
            raise CommandError(f"no such file: {input}")
        provider = configured_provider()
        failed = total = 0
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            total += 1
            try:
                row = json.loads(line)
                output = {"id": row.get("id"), "summary": self._summary(row, provider)}
            except (ValueError, AttributeError, TypeError) as error:  # one bad line must not stop the run
                failed += 1
                output = {"line": number, "error": f"not an article object: {error}"}
            self.stdout.write(json.dumps(output, ensure_ascii=False))
        if failed:
            raise CommandError(f"{failed} of {total} lines failed")

    def _summary(self, row: dict, provider) -> str:
        if not isinstance(row.get("text"), str):
            raise TypeError('"text" must be a string')
        document = Document.of(title=str(row.get("title") or ""), text=row["text"])
        try:
            return summary_text(document, provider)
        except LLMError as error:
            self.stderr.write(f"{row.get('id')}: {error}; using the extractive summary")
            return summary_text(document, ExtractiveProvider())
