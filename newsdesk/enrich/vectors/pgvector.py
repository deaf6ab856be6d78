"""Neighbour search inside PostgreSQL through pgvector's HNSW index.

Used only where migration 0004 could create the extension and its side table
(newsdesk_article_vector); elsewhere `get_vector_index()` picks the numpy matrix.
"""

from datetime import datetime

import numpy as np
from django.db import connection, transaction

TABLE = "newsdesk_article_vector"
# HNSW candidates per search: pgvector's default (40) with room for filtered-out rows.
MIN_EF_SEARCH = 100


def pgvector_dimensions() -> int:
    """The side table's vector size, or 0 when this database has no pgvector side table."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TABLE])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            "SELECT atttypmod FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'embedding'",
            [TABLE],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form, '[0.1,0.2,...]': needs no client-side adapter package."""
    return "[" + ",".join(f"{x:.6g}" for x in np.asarray(vector, dtype=np.float32).reshape(-1)) + "]"


class PgVectorIndex:
    def __init__(self, *, model: str):
        self.model = model
        self._iterative_scan: bool | None = None

    def add(self, article_id: str, vector: np.ndarray, published_at: datetime) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {TABLE} (article_id, model, published_at, embedding)
                    VALUES (%s, %s, %s, %s::vector)
                    ON CONFLICT (article_id) DO UPDATE
                    SET model = EXCLUDED.model, published_at = EXCLUDED.published_at,
                        embedding = EXCLUDED.embedding""",
                [article_id, self.model, published_at, vector_literal(vector)],
            )

    def search(
        self,
        vector: np.ndarray,
        *,
        k: int,
        since: datetime | None = None,
        exclude_ids: frozenset[str] | set[str] = frozenset(),
    ) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        literal = vector_literal(vector)
        conditions, params = ["model = %s"], [self.model]
        if since is not None:
            conditions.append("published_at >= %s")
            params.append(since)
        if exclude_ids:
            conditions.append("NOT (article_id = ANY(%s))")
            params.append(list(exclude_ids))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('hnsw.ef_search', %s, true)", [str(max(MIN_EF_SEARCH, 2 * k))])
            if self._supports_iterative_scan(cursor):
                # Filters (window, model, exclusions) drop HNSW candidates; keep scanning until k survive.
                cursor.execute("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)")
            cursor.execute(
                f"""SELECT article_id, 1 - (embedding <=> %s::vector) AS score FROM {TABLE}
                    WHERE {" AND ".join(conditions)}
                    ORDER BY embedding <=> %s::vector LIMIT %s""",
                [literal, *params, literal, k],
            )
            found = [(article_id, float(score)) for article_id, score in cursor.fetchall()]
        # relaxed_order may return near-ties slightly out of order.
        return sorted(found, key=lambda pair: -pair[1])

    def _supports_iterative_scan(self, cursor) -> bool:
        """Iterative index scans came with pgvector 0.8."""
        if self._iterative_scan is None:
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
            version = tuple(int(part) for part in row[0].split(".")[:2]) if row else (0, 0)
            self._iterative_scan = version >= (0, 8)
        return self._iterative_scan
