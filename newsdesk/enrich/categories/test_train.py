from pathlib import Path

import numpy as np
import pytest

from newsdesk.enrich.categories import train
from newsdesk.enrich.categories.datasets import read_aggregator_csv, read_bbc_jsonl
from newsdesk.enrich.embeddings import get_embedder

TESTDATA = Path(__file__).parent / "testdata"


def test_the_seed_teaches_every_category():
    seed = train.read_seed()
    assert {category for item in seed for category in item.accepted} == set(train.CATEGORIES)


def test_a_malformed_seed_is_refused(tmp_path):
    (tmp_path / "seed.txt").write_text("[gossip]\nA headline\n")
    with pytest.raises(ValueError, match="unknown category"):
        train.read_seed(tmp_path / "seed.txt")
    (tmp_path / "seed.txt").write_text("A headline before any category\n")
    with pytest.raises(ValueError, match="before any"):
        train.read_seed(tmp_path / "seed.txt")


def test_training_is_deterministic_and_learns_its_examples(tmp_path):
    articles = read_bbc_jsonl(TESTDATA / "articles.jsonl")
    headlines = read_aggregator_csv(TESTDATA / "headlines.csv")
    embed = train.cached_embedder(get_embedder().embed, tmp_path / "cache", "test")
    examples = train.build_examples(articles, headlines, embed)
    assert list((tmp_path / "cache").glob("*.npy")), "embeddings are cached"
    first, second = train.fit(examples, "test"), train.fit(examples, "test")
    assert np.array_equal(first.embedding.weights, second.embedding.weights)
    by_kind = {e.kind: e for e in examples}
    assert train.accuracy(first, by_kind["articles"]) == 1.0
    assert train.accuracy(first, by_kind["seed"]) > 0.9
    first.save(tmp_path / "weights.npz")
    assert (tmp_path / "weights.npz").stat().st_size > 0
