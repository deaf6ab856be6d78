"""Article vectors in the database: one float16 row per article, plus the search index."""

import logging

import numpy as np

from newsdesk.enrich.embeddings import Embedder, EmbeddingError, embedding_text, get_embedder
from newsdesk.enrich.vectors.codec import vector_from_bytes, vector_to_bytes
from newsdesk.enrich.vectors.index import VectorIndex, get_vector_index
from newsdesk.models import Article, ArticleEmbedding

log = logging.getLogger(__name__)


def store_embedding(
    article: Article, vector: np.ndarray, *, model: str | None = None, index: VectorIndex | None = None
) -> None:
    """Save `article`'s vector (replacing an older one) and make it searchable."""
    vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    ArticleEmbedding.objects.update_or_create(
        article_id=article.id,
        defaults={
            "model": model or get_embedder().name,
            "dimensions": vector.shape[0],
            "vector": vector_to_bytes(vector),
            "published_at": article.published_at,
        },
    )
    (index or get_vector_index()).add(article.id, vector, article.published_at)


def load_vectors(ids: list[str] | set[str]) -> dict[str, np.ndarray]:
    """Article id -> float32 vector, for the ids that have one."""
    rows = ArticleEmbedding.objects.filter(article_id__in=list(ids)).values_list(
        "article_id", "dimensions", "vector"
    )
    return {article_id: vector_from_bytes(data, dimensions) for article_id, dimensions, data in rows}


def embed_articles(articles: list[Article], embedder: Embedder | None = None) -> dict[str, np.ndarray]:
    """Vectors for `articles`, computing (in one batch) and storing only the missing ones."""
    embedder = embedder or get_embedder()
    stored_dates = dict(
        ArticleEmbedding.objects.filter(
            article_id__in=[a.id for a in articles], model=embedder.name
        ).values_list("article_id", "published_at")
    )
    vectors = load_vectors(stored_dates)
    missing = [a for a in articles if a.id not in vectors]
    if missing:
        computed = embedder.embed([embedding_text(a.title, a.text, a.description) for a in missing])
        vectors.update({a.id: v for a, v in zip(missing, computed, strict=True)})
    for article in articles:
        # A corrected publication date moves the vector in the search window.
        if article.id not in stored_dates or stored_dates[article.id] != article.published_at:
            store_embedding(article, vectors[article.id], model=embedder.name)
    return vectors


def embed_article(article: Article) -> np.ndarray | None:
    """The pipeline step; None when the embedder failed (logged: the article goes on without a vector)."""
    try:
        return embed_articles([article])[article.id]
    except EmbeddingError as error:
        log.warning("article %s not embedded: %s", article.id, error)
        return None
