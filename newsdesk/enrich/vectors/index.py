"""Nearest-neighbour search behind one interface, for SQLite and PostgreSQL installs alike.

PostgreSQL with the pgvector extension (side table made by migration 0004) searches in the
database through an HNSW index; everything else uses an exact in-process numpy matrix over
the recent window.
"""

import threading
from datetime import datetime
from typing import Protocol

import numpy as np
from django.db import connection

Neighbour = tuple[str, float]


class VectorIndex(Protocol):
    def add(self, article_id: str, vector: np.ndarray, published_at: datetime) -> None:
        """Make a just-stored vector searchable at once in this process."""

    def search(
        self,
        vector: np.ndarray,
        *,
        k: int,
        since: datetime | None = None,
        exclude_ids: frozenset[str] | set[str] = frozenset(),
    ) -> list[Neighbour]:
        """Up to `k` (article id, cosine) pairs, best first, published at or after `since`."""


_index: VectorIndex | None = None
_lock = threading.Lock()


def get_vector_index() -> VectorIndex:
    """The process-wide index for the configured embedder and database."""
    global _index
    with _lock:
        if _index is None:
            _index = _index_for_database()
        return _index


def reset_vector_index() -> None:
    """Forget the process index (database or embedder changed, e.g. in tests)."""
    global _index
    with _lock:
        _index = None


def _index_for_database() -> VectorIndex:
    from django.conf import settings

    from newsdesk.enrich.embeddings import get_embedder
    from newsdesk.enrich.vectors.matrix import MatrixIndex
    from newsdesk.enrich.vectors.pgvector import PgVectorIndex, pgvector_dimensions

    embedder = get_embedder()
    if connection.vendor == "postgresql" and pgvector_dimensions() == embedder.dimensions:
        return PgVectorIndex(model=embedder.name)
    return MatrixIndex(
        model=embedder.name, dimensions=embedder.dimensions, window_days=settings.NEWSDESK_VECTOR_WINDOW_DAYS
    )
