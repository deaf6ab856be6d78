import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

# Each evaluation lives beside the code it measures; this command only dispatches.
EVALUATIONS = {
    "extraction": ("newsdesk.extract.evaluate", "evaluate_extraction"),
    "clustering": ("newsdesk.enrich.stories.evaluate", "evaluate_clustering"),
    "categories": ("newsdesk.enrich.categories.evaluate", "evaluate_categories"),
    "summaries": ("newsdesk.ai.evaluate", "evaluate_summaries"),
}

# Where each kind of set sits in a data folder laid out like ../shared/data (or directly in it).
DATA_SET_PATTERNS = {
    "extraction": ["ground_truth.json", "*/ground_truth.json", "pages/*/ground_truth.json"],
    "clustering": ["*.csv", "stories/*.csv"],
    "categories": ["*.jsonl", "*.csv", "topics/*.jsonl", "stories/*.csv"],
    "summaries": ["*.jsonl", "summaries/*.jsonl"],
}


def find_data_sets(what: str, data: Path) -> list[Path]:
    """The sets `what` is measured on: `data` itself when it is one, else those in the folder.

    A folder may be the shared data root, so `--data ../shared/data` evaluates every dev set of
    that kind (an extraction set is a folder holding ground_truth.json and html/).
    """
    if data.is_file():
        return [data]
    found: list[Path] = []
    for pattern in DATA_SET_PATTERNS[what]:
        for match in sorted(data.glob(pattern)):
            path = match.parent if match.name == "ground_truth.json" else match
            if path not in found:
                found.append(path)
    return found


class Command(BaseCommand):
    help = "Measure quality on a labelled data set and print the metrics as JSON."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(EVALUATIONS))
        parser.add_argument(
            "--data", type=Path, required=True, help="a data set (file or folder), or a folder of them"
        )

    def handle(self, *args, what: str, data: Path, **options):
        if not data.exists():
            raise CommandError(f"no data at {data}")
        sets = find_data_sets(what, data)
        if not sets:
            expected = ", ".join(DATA_SET_PATTERNS[what])
            raise CommandError(f"no {what} data set in {data} (looked for {expected})")
        module_name, function_name = EVALUATIONS[what]
        module = __import__(module_name, fromlist=[function_name])
        results = {}
        for path in sets:
            try:
                metrics = getattr(module, function_name)(path)
            except ValueError as error:  # the evaluations' word for a bad data set
                message = str(error)
                raise CommandError(message if str(path) in message else f"{path}: {message}") from error
            metrics.pop("per_page", None)
            metrics.pop("per_item", None)
            results[str(path)] = metrics
        output = next(iter(results.values())) if len(results) == 1 else {"sets": results}
        self.stdout.write(json.dumps(output, indent=2, default=str))
