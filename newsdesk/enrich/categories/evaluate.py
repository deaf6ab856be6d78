"""`newsdesk evaluate categories --data PATH`: accuracy of the shipped classifier on a labelled set.

PATH is BBC-style articles (.jsonl: id, label, title, text) or aggregator headlines (.csv: TITLE,
CATEGORY, ...). Headlines are classified from the title alone; a prediction counts when it is
one of the item's accepted categories (the aggregator's "t" accepts technology and science).
Items are classified as `newsdesk categorize` classifies them: in batches of INPUT_BATCH, pooled by
story (the set's order stands in for time); `pool=False` scores each item alone.
"""

from collections import Counter
from pathlib import Path

from newsdesk.enrich.categories.classifier import classify_many
from newsdesk.enrich.categories.datasets import read_labelled
from newsdesk.enrich.categories.pooling import INPUT_BATCH, InputPools


def evaluate_categories(path: Path, *, pool: bool = True) -> dict:
    items = read_labelled(Path(path))
    stories = InputPools() if pool else None
    predictions: list[tuple[str, float]] = []
    for start in range(0, len(items), INPUT_BATCH):
        batch = items[start : start + INPUT_BATCH]
        predictions += classify_many([(item.title, item.text) for item in batch], pool=stories)
    hits = [category in item.accepted for item, (category, _) in zip(items, predictions, strict=True)]
    per_label: dict[str, list[bool]] = {}
    confusion: Counter = Counter()
    for item, (category, _), hit in zip(items, predictions, hits, strict=True):
        label = "|".join(sorted(item.accepted))
        per_label.setdefault(label, []).append(hit)
        confusion[f"{label} -> {category}"] += 1
    return {
        "data": str(path),
        "items": len(items),
        "pooled_by_story": pool,
        "accuracy": round(sum(hits) / len(items), 4) if items else None,
        "accuracy_by_label": {label: round(sum(h) / len(h), 4) for label, h in sorted(per_label.items())},
        "general": sum(category == "general" for category, _ in predictions),
        "confusion": dict(confusion.most_common()),
        "per_item": [
            {"id": item.id, "category": category, "confidence": confidence, "correct": hit}
            for item, (category, confidence), hit in zip(items, predictions, hits, strict=True)
        ],
    }
