"""The labelled sets the classifier learns from and is measured on, read into one shape.

BBC-style articles (jsonl: id, label, title, text) and aggregator headlines (csv: ID, TITLE,
CATEGORY, STORY, and if present TIMESTAMP in milliseconds, HOSTNAME, PUBLISHER). Their labels are
mapped to the taxonomy as sets of accepted answers: the aggregator's "t" means technology or
science, and either is right.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from newsdesk.models import Category

BBC_LABELS: dict[str, frozenset[str]] = {
    "business": frozenset({Category.BUSINESS}),
    "entertainment": frozenset({Category.ENTERTAINMENT}),
    "politics": frozenset({Category.POLITICS}),
    "sport": frozenset({Category.SPORTS}),
    "tech": frozenset({Category.TECHNOLOGY}),
}
AGGREGATOR_LABELS: dict[str, frozenset[str]] = {
    "b": frozenset({Category.BUSINESS}),
    "t": frozenset({Category.TECHNOLOGY, Category.SCIENCE}),
    "e": frozenset({Category.ENTERTAINMENT}),
    "m": frozenset({Category.HEALTH}),
}
# Plain labels ("sports", "tech") in a jsonl of our own shape.
PLAIN_LABELS: dict[str, frozenset[str]] = {
    **BBC_LABELS,
    **{category.value: frozenset({category.value}) for category in Category},
}


class DatasetError(ValueError):
    pass


@dataclass(frozen=True)
class LabelledItem:
    id: str
    title: str
    text: str
    accepted: frozenset[str]
    # Items of one story (near-identical headlines) must stay on one side of a train/test split.
    group: str = ""
    # When and by whom it was published (aggregator headlines: TIMESTAMP, HOSTNAME or PUBLISHER),
    # for measuring story pooling in time order as the pipeline sees it (train --cv).
    published: float | None = None
    source: str = ""


def read_bbc_jsonl(path: Path) -> list[LabelledItem]:
    items = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                accepted = PLAIN_LABELS[str(row["label"]).lower()]
            except (ValueError, KeyError, TypeError) as error:
                raise DatasetError(f"{path}:{number}: not a labelled article ({error})") from error
            items.append(
                LabelledItem(
                    str(row.get("id", number)), row.get("title") or "", row.get("text") or "", accepted
                )
            )
    return items


def read_aggregator_csv(path: Path) -> list[LabelledItem]:
    items = []
    with open(path, encoding="utf-8", newline="") as rows:
        reader = csv.DictReader(rows)
        missing = {"TITLE", "CATEGORY"} - set(reader.fieldnames or ())
        if missing:
            raise DatasetError(f"{path}: missing columns {sorted(missing)}")
        for number, row in enumerate(reader, 2):
            accepted = AGGREGATOR_LABELS.get(row["CATEGORY"].strip().lower())
            if accepted is None:
                raise DatasetError(f"{path}:{number}: unknown category {row['CATEGORY']!r}")
            try:
                published = int(row["TIMESTAMP"]) / 1000 if row.get("TIMESTAMP") else None
            except ValueError as error:
                raise DatasetError(f"{path}:{number}: bad TIMESTAMP {row['TIMESTAMP']!r}") from error
            items.append(
                LabelledItem(
                    row.get("ID") or str(number),
                    row["TITLE"],
                    "",
                    accepted,
                    row.get("STORY", ""),
                    published,
                    row.get("HOSTNAME") or row.get("PUBLISHER") or "",
                )
            )
    return items


def read_labelled(path: Path) -> list[LabelledItem]:
    """Either kind of set, told apart by its extension."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return read_aggregator_csv(path)
    if path.suffix.lower() in (".jsonl", ".json"):
        return read_bbc_jsonl(path)
    raise DatasetError(f"{path}: expected a .jsonl of articles or a .csv of headlines")
