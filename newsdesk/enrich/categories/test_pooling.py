import numpy as np
import pytest

from newsdesk.enrich.categories.pooling import InputPools, StoryPool, toward_story

# Three categories; a story of three headlines whose third (the straggler) leans the wrong way,
# and an unrelated headline on its own.
CATEGORIES = ("business", "technology", "health")
PROBABILITIES = np.array(
    [
        [0.80, 0.15, 0.05],  # Fed official says weak data caused by weather
        [0.75, 0.20, 0.05],  # Fed's Plosser sees high bar for change in pace of tapering
        [0.35, 0.60, 0.05],  # Plosser: Fed data app shows weather slowdown (the straggler)
        [0.10, 0.20, 0.70],  # Flu season peaks early
    ]
)
STORIES = ["fed", "fed", "fed", "flu"]


def best(probabilities: np.ndarray) -> list[str]:
    return [CATEGORIES[i] for i in probabilities.argmax(axis=1)]


def pooled_by(stories: list[str], weight: float = 0.8) -> np.ndarray:
    """Each row moved toward the mean of the rows of its story (its own included)."""
    log_p = np.log(PROBABILITIES)
    return np.array(
        [
            toward_story(log_p[row], [log_p[other] for other, s in enumerate(stories) if s == story], weight)
            for row, story in enumerate(stories)
        ]
    )


def test_a_straggler_takes_its_storys_category_when_pooled():
    assert best(PROBABILITIES)[2] == "technology"
    pooled = pooled_by(STORIES)
    assert best(pooled) == ["business", "business", "business", "health"]
    np.testing.assert_allclose(pooled.sum(axis=1), 1.0)


def test_an_item_alone_in_its_story_is_unchanged():
    pooled = pooled_by(["a", "b", "c", "d"])
    np.testing.assert_allclose(pooled, PROBABILITIES)


def test_weight_zero_keeps_each_items_own_evidence():
    pooled = pooled_by(STORIES, weight=0.0)
    np.testing.assert_allclose(pooled, PROBABILITIES)
    assert best(pooled)[2] == "technology"


def _vectors(rng: np.random.Generator) -> np.ndarray:
    fed, flu = rng.normal(size=16), rng.normal(size=16)
    rows = [fed + 0.1 * rng.normal(size=16) for _ in range(3)] + [flu]
    return np.array(rows, dtype=np.float32)


TITLES = [
    "Fed official Plosser says weak data caused by weather",
    "Fed's Plosser sees high bar for change in tapering",
    "Plosser: Fed weather data slowdown",
    "Flu season peaks early in the northeast",
]


def test_story_pool_finds_the_story_and_pools_it():
    vectors = _vectors(np.random.default_rng(0))
    pooled = StoryPool().pool(TITLES, vectors, np.log(PROBABILITIES))
    assert best(pooled) == ["business", "business", "business", "health"]


def test_story_pool_carries_stories_across_batches():
    """The straggler arriving in a later batch still meets its story's earlier headlines."""
    vectors = _vectors(np.random.default_rng(0))
    log_p = np.log(PROBABILITIES)
    pool = StoryPool()
    pool.pool(TITLES[:2], vectors[:2], log_p[:2])
    later = pool.pool(TITLES[2:], vectors[2:], log_p[2:])
    assert best(later) == ["business", "health"]
    alone = StoryPool().pool(TITLES[2:], vectors[2:], log_p[2:])
    assert best(alone) == ["technology", "health"]


@pytest.mark.parametrize("weight", [0.5, 1.0])
def test_pooled_rows_are_probabilities(weight):
    pooled = StoryPool(weight=weight).pool(TITLES, _vectors(np.random.default_rng(1)), np.log(PROBABILITIES))
    assert pooled.shape == PROBABILITIES.shape
    np.testing.assert_allclose(pooled.sum(axis=1), 1.0)


# A toy model on 16-dimensional vectors: 13 dimensions say which story an item is about, the last
# three which category (business, technology, health) it leans to, each item as PROBABILITIES do.
def _toy_model():
    from newsdesk.enrich.categories.model import CategoryModel, LinearModel

    weights = np.zeros((17, 3), dtype=np.float32)
    weights[13:16] = 20 * np.eye(3)
    return CategoryModel(LinearModel(CATEGORIES, weights), None, 1.0, 0.5, "toy")


def _toy_vectors(titles: list[str]) -> np.ndarray:
    rng = np.random.default_rng(2)
    fed, flu = rng.normal(size=13), rng.normal(size=13)
    fed, flu = fed / np.linalg.norm(fed), flu / np.linalg.norm(flu)
    lean = {TITLES[0]: [0.3, 0, 0], TITLES[1]: [0.3, 0, 0], TITLES[2]: [0, 0.15, 0], TITLES[3]: [0, 0, 0.3]}
    return np.array([[*(flu if "Flu" in t else fed), *lean[t]] for t in titles], dtype=np.float32)


def test_classify_many_pools_a_batch_by_story():
    from newsdesk.enrich.categories.classifier import classify_many

    items, vectors = [(t, "") for t in TITLES], _toy_vectors(TITLES)
    alone = classify_many(items, model=_toy_model(), vectors=vectors)
    pooled = classify_many(items, model=_toy_model(), vectors=vectors, pool=InputPools())
    assert [c for c, _ in alone] == ["business", "business", "technology", "health"]
    assert [c for c, _ in pooled] == ["business", "business", "business", "health"]


def test_categorize_command_pools_unless_told_not_to(tmp_path, monkeypatch):
    import json
    from io import StringIO

    from django.core.management import call_command

    from newsdesk.enrich.categories import classifier

    class ToyEmbedder:
        def embed(self, texts):
            return _toy_vectors(texts)

    monkeypatch.setattr(classifier, "shipped_model", _toy_model)
    monkeypatch.setattr(classifier, "embedder_for", lambda model: ToyEmbedder())
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": i, "title": t}) + "\n" for i, t in enumerate(TITLES)))

    def categories(*options: str) -> list[str]:
        out = StringIO()
        call_command("categorize", str(path), *options, stdout=out)
        return [json.loads(line)["category"] for line in out.getvalue().splitlines()]

    assert categories() == ["business", "business", "business", "health"]
    assert categories("--no-pool") == ["business", "business", "technology", "health"]


def test_a_long_stream_closes_quiet_stories_and_forgets_them():
    from newsdesk.enrich.categories.pooling import STORY_WINDOW_ITEMS

    rng = np.random.default_rng(3)
    pool, total = StoryPool(), 3 * STORY_WINDOW_ITEMS
    for start in range(0, total, 64):
        size = min(64, total - start)
        titles = [f"event{start + i} unrelated{start + i}" for i in range(size)]
        pooled = pool.pool(titles, rng.normal(size=(size, 16)), np.log(np.full((size, 3), 1 / 3)))
        np.testing.assert_allclose(pooled.sum(axis=1), 1.0)
    assert len(pool.clusterer.open) <= STORY_WINDOW_ITEMS + 64
    assert len(pool._log_p) <= 2 * STORY_WINDOW_ITEMS + 64


def _pair(cosine: float) -> np.ndarray:
    """Two unit vectors `cosine` apart."""
    return np.array([[1.0, 0.0], [cosine, np.sqrt(1 - cosine**2)]], dtype=np.float32)


def test_headlines_pool_more_eagerly_than_articles_and_never_with_them():
    """A bare headline is weak evidence: two of one beat (cosine 0.5, no shared word) pool as
    headlines, while the same pair with body text stays apart, and headlines never pool with articles."""
    titles = ["Stocks slide as oil jumps", "Refiners brace for costlier crude"]
    leaning = np.log(np.array([[0.8, 0.15, 0.05], [0.3, 0.6, 0.1]]))
    as_headlines = InputPools().pool(titles, _pair(0.5), leaning, np.array([True, True]))
    as_articles = InputPools().pool(titles, _pair(0.5), leaning, np.array([False, False]))
    mixed = InputPools().pool(titles, _pair(0.5), leaning, np.array([True, False]))
    assert best(as_headlines) == ["business", "business"]
    assert best(as_articles) == best(mixed) == ["business", "technology"]
