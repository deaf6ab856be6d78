"""Accuracy floors on (samples of) the shared dev sets. These sets were in the training data, so
the floors guard against regressions; the honest held-out numbers are in docs/quality.md."""

from pathlib import Path

from newsdesk.enrich.categories.classifier import classify_many
from newsdesk.enrich.categories.datasets import read_aggregator_csv, read_bbc_jsonl

# Every SAMPLE_STEP-th item keeps the test to a minute of CPU.
SAMPLE_STEP = 4


def accuracy(items) -> float:
    results = classify_many([(item.title, item.text) for item in items])
    return sum(category in item.accepted for item, (category, _) in zip(items, results, strict=True)) / len(
        items
    )


def test_bbc_articles_floor(shared_data: Path):
    items = read_bbc_jsonl(shared_data / "topics" / "bbc-dev.jsonl")[::SAMPLE_STEP]
    assert accuracy(items) >= 0.98  # measured 1.0 on the whole set


def test_aggregator_headlines_floor(shared_data: Path):
    items = read_aggregator_csv(shared_data / "stories" / "uci-news-aggregator-dev.csv")[::SAMPLE_STEP]
    assert accuracy(items) >= 0.95  # measured 0.9702 on the whole set
