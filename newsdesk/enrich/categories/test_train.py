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


# Five stories of aggregator headlines (one per fold), each with a vector of its own; two of them
# have a straggler the model reads wrong alone: "s1" its last headline in time, "s2" its first.
POOLING_HEADLINES = [
    # id, title, category, story, seconds
    ("1", "Fed holds interest rates as markets rally", "b", "s1", 0),
    ("2", "Markets rally as the Fed holds interest rates", "b", "s1", 60),
    ("3", "Fed holds interest rates, markets rally", "b", "s1", 120),
    ("4", "Fed holds interest rates, tech stocks rally", "b", "s1", 180),
    ("5", "Film star launches a phone app", "e", "s2", 600),
    ("6", "Film star wins best actress award", "e", "s2", 660),
    ("7", "Film star wins award at ceremony", "e", "s2", 720),
    ("8", "Samsung phone goes on sale", "t", "s3", 1200),
    ("9", "Study links diet to heart health", "m", "s4", 1800),
    ("10", "Oil prices fall on weak demand", "b", "s5", 2400),
]
STRAGGLERS = {"4": "technology", "5": "technology"}


class ScriptedModel:
    """A model whose answer for each text is written down: confident and right for a headline,
    technology by a little for a straggler, business for anything else (articles)."""

    categories = train.CATEGORIES

    def __init__(self, right: dict[str, str]):
        self.right = right

    def probabilities(self, texts, vectors, titles_only):
        rows = []
        for text in texts:
            row = np.full(len(self.categories), 0.02)
            if text in STRAGGLER_TITLES:
                row[self.categories.index("technology")] = 0.5
                row[self.categories.index(self.right[text])] = 0.38
            else:
                row[self.categories.index(self.right.get(text, "business"))] = 0.86
            rows.append(row / row.sum())
        return np.array(rows)


STRAGGLER_TITLES = {title for key, title, *_ in POOLING_HEADLINES if key in STRAGGLERS}


def pooling_examples(tmp_path, timestamps: bool = True) -> tuple[list[train.Examples], ScriptedModel]:
    names = {"b": "business", "e": "entertainment", "t": "technology", "m": "health"}
    lines = ["ID,TITLE,CATEGORY,STORY,HOSTNAME" + (",TIMESTAMP" if timestamps else "")]
    for key, title, category, story, seconds in POOLING_HEADLINES:
        time = f",{1394470370000 + 1000 * seconds}" if timestamps else ""
        lines.append(f'{key},"{title}",{category},{story},site{key}.example{time}')
    (tmp_path / "pooling.csv").write_text("\n".join(lines) + "\n")
    headlines = read_aggregator_csv(tmp_path / "pooling.csv")
    story_vector = {}
    for _, title, _, story, _ in POOLING_HEADLINES:
        story_vector[title] = np.eye(8, dtype=np.float32)[int(story[1:])]

    def embed(texts):
        return np.array([story_vector.get(t, np.eye(8, dtype=np.float32)[0]) for t in texts])

    examples = train.build_examples(read_bbc_jsonl(TESTDATA / "articles.jsonl"), headlines, embed)
    right = {title: names[category] for _, title, category, *_ in POOLING_HEADLINES}
    return examples, ScriptedModel(right)


def test_cv_scores_held_out_headlines_pooled_by_story_as_the_pipeline_and_the_cli_do(tmp_path, monkeypatch):
    examples, model = pooling_examples(tmp_path)
    monkeypatch.setattr(train, "fit", lambda training, embedder="": model)
    result = train.cross_validate(examples)
    # Alone, both stragglers are wrong.
    assert result["headlines_story_cv_accuracy"] == 0.8
    # The pipeline pools a headline with the members its story has when it joins and decides them
    # again: the last straggler is fixed as it joins, the first (alone in its story then) once
    # later members join.
    assert result["headlines_story_cv_accuracy_pooled_pipeline"] == 1.0
    # The CLI pools each item with its whole story in the batch: both are fixed.
    assert result["headlines_story_cv_accuracy_pooled_cli"] == 1.0


def test_without_timestamps_cv_scores_no_pipeline_pooling(tmp_path, monkeypatch):
    examples, model = pooling_examples(tmp_path, timestamps=False)
    monkeypatch.setattr(train, "fit", lambda training, embedder="": model)
    result = train.cross_validate(examples)
    assert "headlines_story_cv_accuracy_pooled_pipeline" not in result
    assert result["headlines_story_cv_accuracy_pooled_cli"] == 1.0
