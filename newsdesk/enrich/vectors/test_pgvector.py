"""The pgvector path: runs in the suite's pgvector pass (see the root conftest.py)."""

from datetime import timedelta

import numpy as np
import pytest
from django.db import connection

from newsdesk.enrich.embeddings import get_embedder
from newsdesk.enrich.vectors import get_vector_index, reset_vector_index, store_embedding
from newsdesk.enrich.vectors.pgvector import TABLE, PgVectorIndex, pgvector_dimensions
from newsdesk.models import Article
from newsdesk.web.testing import make_article, make_source

pytestmark = [pytest.mark.pgvector, pytest.mark.django_db]


@pytest.fixture
def pg_index():
    reset_vector_index()
    yield get_vector_index()
    reset_vector_index()


@pytest.fixture
def stored(pg_index):
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(200, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    source = make_source("Probe News")
    articles = [make_article(source, f"Probe {n}", age=timedelta(hours=n + 1)) for n in range(200)]
    for article, vector in zip(articles, vectors, strict=True):
        store_embedding(article, vector, model=get_embedder().name)
    return articles, vectors.astype(np.float16).astype(np.float32)


def test_migration_made_the_side_table(pg_index):
    assert pgvector_dimensions() == 384
    assert isinstance(pg_index, PgVectorIndex)


def test_pgvector_search_finds_the_exact_neighbours(pg_index, stored):
    articles, vectors = stored
    for query in np.random.default_rng(2).normal(size=(5, 384)).astype(np.float32):
        query /= np.linalg.norm(query)
        expected = np.argsort(-(vectors @ query))[:5]
        found = pg_index.search(query, k=5)
        assert [article_id for article_id, _ in found] == [articles[i].id for i in expected]
        assert [score for _, score in found] == pytest.approx(
            [float(vectors[i] @ query) for i in expected], abs=1e-3
        )


def test_pgvector_search_honours_since_and_exclusions(pg_index, stored):
    articles, vectors = stored
    found = pg_index.search(vectors[0], k=100, since=articles[49].published_at, exclude_ids={articles[0].id})
    assert sorted(article_id for article_id, _ in found) == sorted(a.id for a in articles[1:50])


def test_deleting_an_article_deletes_its_vector(pg_index, stored):
    articles, vectors = stored
    Article.objects.filter(id=articles[3].id).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE article_id = %s", [articles[3].id])
        assert cursor.fetchone()[0] == 0
    assert articles[3].id not in {article_id for article_id, _ in pg_index.search(vectors[3], k=5)}
