import json
from collections.abc import Iterable, Iterator

from django.core.management.base import BaseCommand

from newsdesk.enrich.categories import classify_many, section_prior
from newsdesk.enrich.categories.pooling import INPUT_BATCH, InputPools
from newsdesk.management.jsonl import BadLines, Report, input_lines, json_objects


def read_items(lines: Iterable[str], report: Report) -> Iterator[dict]:
    """Valid items of a JSON-lines stream; a bad line is reported and skipped, never fatal."""
    for number, item in json_objects(lines, report):
        title, text = item.get("title") or "", item.get("text") or ""
        if not isinstance(title, str) or not isinstance(text, str):
            report(number, '"title" and "text" must be strings')
            continue
        yield {"id": item["id"], "title": title, "text": text, "section": str(item.get("section") or "")}


class Command(BaseCommand):
    help = (
        'Categorise news items. Reads JSON lines {"id", "title", "text"?, "section"?} from a file or "-" '
        'for stdin and prints {"id", "category", "confidence"} lines; "section" is the publisher\'s '
        "section, used as a prior. Items of one story (found among up to 5,000 lines at a time, input "
        "order standing for time) pool their evidence, so a story's headlines tend to share a category."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", metavar="INPUT.jsonl")
        parser.add_argument(
            "--no-pool", action="store_true", help="classify each item alone, not pooled with its story"
        )

    def handle(self, *args, input: str, no_pool: bool = False, **options):
        bad = BadLines(input, self.stderr)
        with input_lines(input, bad) as lines:
            self._categorize(read_items(lines, bad.report), None if no_pool else InputPools())
        bad.fail_if_any()

    def _categorize(self, items: Iterator[dict], pool: InputPools | None) -> None:
        batch: list[dict] = []
        for item in items:
            batch.append(item)
            if len(batch) == INPUT_BATCH:
                self._write(batch, pool)
                batch = []
        if batch:
            self._write(batch, pool)

    def _write(self, batch: list[dict], pool: InputPools | None) -> None:
        results = classify_many(
            [(item["title"], item["text"]) for item in batch],
            section_priors=[section_prior(item["section"]) for item in batch],
            pool=pool,
        )
        for item, (category, confidence) in zip(batch, results, strict=True):
            self.stdout.write(json.dumps({"id": item["id"], "category": category, "confidence": confidence}))
