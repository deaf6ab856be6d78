import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from newsdesk.enrich.categories import classify, classify_many
from newsdesk.enrich.categories.classifier import MIN_CONFIDENCE, decide, text_for_model
from newsdesk.enrich.categories.model import shipped_model
from newsdesk.models import Category

TESTDATA = Path(__file__).parent / "testdata"
# Headlines written for these tests, none of them in the training seed.
HEADLINES = [json.loads(line) for line in (TESTDATA / "headlines.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def predictions() -> list[tuple[str, float]]:
    return classify_many([(item["title"], "") for item in HEADLINES])


def test_the_shipped_model_covers_the_whole_taxonomy():
    assert set(shipped_model().categories) == set(Category.values) - {Category.GENERAL}


def test_unseen_headlines_of_every_category_are_mostly_right(predictions):
    right = Counter()
    for item, (category, _) in zip(HEADLINES, predictions, strict=True):
        right[item["category"]] += category == item["category"]
    assert sum(right.values()) >= 0.85 * len(HEADLINES), right
    # No category of the taxonomy is left to chance: each gets at least 3 of its 5 right.
    assert all(right[c] >= 3 for c in set(Category.values) - {Category.GENERAL}), right


def test_confident_when_right(predictions):
    confidences = [
        conf for item, (cat, conf) in zip(HEADLINES, predictions, strict=True) if cat == item["category"]
    ]
    assert all(0 < c <= 1 for c in confidences)
    assert np.median(confidences) > 0.7


def test_full_articles_are_classified_by_title_and_text():
    rows = [json.loads(line) for line in (TESTDATA / "articles.jsonl").read_text().splitlines()]
    expected = {"sport": "sports", "tech": "technology"}
    results = classify_many([(row["title"], row["text"]) for row in rows])
    assert [category for category, _ in results] == [expected.get(r["label"], r["label"]) for r in rows]


def test_nothing_to_read_is_general_with_no_confidence():
    assert classify("", "") == (Category.GENERAL, 0.0)
    assert classify("   ") == (Category.GENERAL, 0.0)


@pytest.mark.parametrize(
    ("title", "prior"),
    [
        ("Smartphone sales slow in China", "technology"),
        ("Drug company profits soar on vaccine sales", "health"),
    ],
)
def test_the_section_prior_settles_an_ambiguous_headline(title, prior):
    plain_category, plain_confidence = classify(title)
    assert plain_category != prior
    assert classify(title, section_prior=prior)[0] == prior
    category, confidence = classify(title, section_prior=plain_category)
    assert category == plain_category and confidence > plain_confidence


def test_a_strong_signal_survives_a_wrong_prior():
    assert (
        classify("Liverpool beat Everton 2-0 in the Merseyside derby", section_prior="business")[0]
        == "sports"
    )


def test_decide_multiplies_by_the_prior_and_falls_back_to_general():
    categories = ("business", "technology", "sports")
    assert decide(np.array([0.5, 0.4, 0.1]), categories) == ("business", 0.5)
    category, confidence = decide(np.array([0.5, 0.4, 0.1]), categories, "technology")
    assert category == "technology" and confidence == pytest.approx(1.6 / 2.2, abs=1e-3)
    four = (*categories, "health")
    flat = np.full(4, 1 / 4)
    assert flat.max() < MIN_CONFIDENCE
    assert decide(flat, four)[0] == Category.GENERAL
    # An unknown prior is no prior.
    assert decide(np.array([0.5, 0.4, 0.1]), categories, "gossip") == ("business", 0.5)


def test_the_model_reads_the_title_then_the_start_of_the_body():
    assert text_for_model(" Title ", "") == "Title"
    assert text_for_model("Title", "Body " * 1000).startswith("Title\n\nBody Body")
    assert len(text_for_model("Title", "x" * 10_000)) < 2100


def test_given_vectors_are_those_of_the_stored_embedding_text():
    from newsdesk.enrich.embeddings import embedding_text, get_embedder

    rows = [json.loads(line) for line in (TESTDATA / "articles.jsonl").read_text().splitlines()]
    items = [(row["title"], row["text"]) for row in rows]
    vectors = get_embedder().embed([embedding_text(title, text) for title, text in items])
    assert classify_many(items, vectors=vectors) == classify_many(items)
    # Rows line up with the items, including an empty item that gets no vector read.
    padded = [("", ""), *items]
    results = classify_many(padded, vectors=np.vstack([np.zeros((1, vectors.shape[1])), vectors]))
    assert results == [(Category.GENERAL, 0.0), *classify_many(items)]
