from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from newsdesk.enrich.vectors import load_vectors, store_embedding, vector_from_bytes, vector_to_bytes
from newsdesk.enrich.vectors.matrix import MatrixIndex
from newsdesk.models import Article, ArticleEmbedding
from newsdesk.web.testing import make_article, make_source

MODEL = "test-16d"
DIMENSIONS = 16


def unit_vectors(count: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, DIMENSIONS)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_vector_bytes_round_trip_is_float16_and_close():
    vector = unit_vectors(1, seed=1)[0]
    data = vector_to_bytes(vector)
    assert len(data) == DIMENSIONS * 2
    back = vector_from_bytes(data, DIMENSIONS)
    assert back.dtype == np.float32
    assert np.abs(back - vector).max() < 1e-3
    assert float(back @ vector) > 0.999


def test_vector_bytes_reject_wrong_length_and_nan():
    with pytest.raises(ValueError, match="16-dimensional"):
        vector_from_bytes(b"\x00" * 30, DIMENSIONS)
    with pytest.raises(ValueError, match="NaN"):
        vector_to_bytes(np.array([0.5, np.nan], dtype=np.float32))


@pytest.fixture
def index() -> MatrixIndex:
    return MatrixIndex(model=MODEL, dimensions=DIMENSIONS, window_days=30)


def stored_articles(index: MatrixIndex, vectors: np.ndarray, *, ages: list[timedelta] | None = None):
    source = make_source("Vector Daily")
    articles = []
    for n, vector in enumerate(vectors):
        age = ages[n] if ages else timedelta(hours=n + 1)
        article = make_article(source, f"Article {n}", age=age)
        store_embedding(article, vector, model=MODEL, index=index)
        articles.append(article)
    return articles


@pytest.mark.django_db
def test_store_and_load_vectors(index):
    vectors = unit_vectors(3, seed=2)
    articles = stored_articles(index, vectors)
    row = ArticleEmbedding.objects.get(article=articles[0])
    assert (row.model, row.dimensions, len(row.vector)) == (MODEL, DIMENSIONS, DIMENSIONS * 2)
    assert row.published_at == articles[0].published_at
    loaded = load_vectors([a.id for a in articles] + ["no-such-article"])
    assert set(loaded) == {a.id for a in articles}
    for article, vector in zip(articles, vectors, strict=True):
        assert np.allclose(loaded[article.id], vector, atol=1e-3)


@pytest.mark.django_db
def test_search_matches_brute_force(index):
    vectors = unit_vectors(300, seed=3)
    articles = stored_articles(index, vectors)
    stored = np.vstack([vector_from_bytes(vector_to_bytes(v), DIMENSIONS) for v in vectors])
    for query in unit_vectors(5, seed=4):
        expected = np.argsort(-(stored @ query))[:10]
        found = index.search(query, k=10)
        assert [article_id for article_id, _ in found] == [articles[i].id for i in expected]
        assert [score for _, score in found] == pytest.approx([float(stored[i] @ query) for i in expected])


@pytest.mark.django_db
def test_search_honours_since_and_exclusions(index):
    vectors = unit_vectors(40, seed=5)
    ages = [timedelta(days=n % 10, hours=1) for n in range(40)]
    articles = stored_articles(index, vectors, ages=ages)
    since = timezone.now() - timedelta(days=4)
    excluded = {articles[0].id, articles[10].id}
    found = index.search(vectors[0], k=40, since=since, exclude_ids=excluded)
    by_id = {a.id: a for a in articles}
    assert found, "recent articles should be found"
    assert all(by_id[article_id].published_at >= since for article_id, _ in found)
    assert not excluded & {article_id for article_id, _ in found}
    recent = [a for a in articles if a.published_at >= since and a.id not in excluded]
    assert len(found) == len(recent)


@pytest.mark.django_db
def test_search_sees_rows_other_processes_wrote_and_deleted(index):
    vectors = unit_vectors(6, seed=6)
    articles = stored_articles(index, vectors[:3])
    assert len(index.search(vectors[0], k=10)) == 3
    # Another worker stores a vector: only the database knows.
    other = make_article(articles[0].source, "From another worker")
    ArticleEmbedding.objects.create(
        article=other,
        model=MODEL,
        dimensions=DIMENSIONS,
        vector=vector_to_bytes(vectors[3]),
        published_at=other.published_at,
    )
    assert index.search(vectors[3], k=1)[0][0] == other.id
    # An article deleted elsewhere (its vector goes with it) is no longer found.
    Article.objects.filter(id=articles[1].id).delete()
    assert articles[1].id not in {article_id for article_id, _ in index.search(vectors[1], k=10)}


@pytest.mark.django_db
def test_search_ignores_vectors_of_another_embedder(index):
    vectors = unit_vectors(3, seed=7)
    articles = stored_articles(index, vectors[:2])
    foreign = make_article(articles[0].source, "Embedded by another model")
    ArticleEmbedding.objects.create(
        article=foreign,
        model="other-model",
        dimensions=4,
        vector=b"\x00" * 8,
        published_at=foreign.published_at,
    )
    assert {article_id for article_id, _ in index.search(vectors[2], k=10)} == {a.id for a in articles}


@pytest.mark.django_db
def test_search_leaves_out_articles_older_than_the_window():
    index = MatrixIndex(model=MODEL, dimensions=DIMENSIONS, window_days=3)
    vectors = unit_vectors(2, seed=8)
    recent, old = stored_articles(index, vectors, ages=[timedelta(days=1), timedelta(days=5)])
    assert [article_id for article_id, _ in index.search(vectors[1], k=5)] == [recent.id]
