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


class Command(BaseCommand):
    help = "Measure quality on a labelled data set and print the metrics as JSON."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(EVALUATIONS))
        parser.add_argument("--data", type=Path, required=True, help="data set file or folder")

    def handle(self, *args, what: str, data: Path, **options):
        if not data.exists():
            raise CommandError(f"no data at {data}")
        module_name, function_name = EVALUATIONS[what]
        module = __import__(module_name, fromlist=[function_name])
        metrics = getattr(module, function_name)(data)
        metrics.pop("per_page", None)
        metrics.pop("per_item", None)
        self.stdout.write(json.dumps(metrics, indent=2, default=str))
