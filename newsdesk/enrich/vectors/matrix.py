"""Exact cosine search over an in-process numpy matrix of the recent window.

Loaded lazily from ArticleEmbedding, appended to as this process embeds articles, and
brought up to date before each search: on SQLite by rowid (rows other processes inserted
since the last look), everywhere by comparing the window's row count with ours, which
also notices deletions and rolled-back transactions. 30 days of a busy install (90,000
vectors) take 140 MB as float32 and a search is one matrix-vector product.
"""

import threading
from datetime import datetime, timedelta

import numpy as np
from django.db import connection
from django.utils import timezone

from newsdesk.enrich.vectors.codec import vector_from_bytes
from newsdesk.models import ArticleEmbedding

# Rows fetched from the database per query while loading.
LOAD_CHUNK = 2000


class MatrixIndex:
    def __init__(self, *, model: str, dimensions: int, window_days: int):
        self.model = model
        self.dimensions = dimensions
        self.window = timedelta(days=window_days)
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self.loaded = False
        self.ids: list[str] = []
        self.rows: dict[str, int] = {}
        self.matrix = np.zeros((0, self.dimensions), dtype=np.float32)
        self.times = np.zeros(0, dtype=np.float64)
        # Window rows of other embedders: counted so the row-count check still balances.
        self.foreign: dict[str, float] = {}
        self.last_rowid = 0

    def add(self, article_id: str, vector: np.ndarray, published_at: datetime) -> None:
        with self._lock:
            if self.loaded:
                self._put(article_id, np.asarray(vector, dtype=np.float32), published_at.timestamp())

    def search(
        self,
        vector: np.ndarray,
        *,
        k: int,
        since: datetime | None = None,
        exclude_ids: frozenset[str] | set[str] = frozenset(),
    ) -> list[tuple[str, float]]:
        with self._lock:
            self._refresh()
            n = len(self.ids)
            if n == 0 or k <= 0:
                return []
            scores = self.matrix[:n] @ np.asarray(vector, dtype=np.float32)
            if since is not None:
                scores[self.times[:n] < since.timestamp()] = -np.inf
            for article_id in exclude_ids:
                row = self.rows.get(article_id)
                if row is not None:
                    scores[row] = -np.inf
            k = min(k, n)
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(self.ids[i], float(scores[i])) for i in top if np.isfinite(scores[i])]

    def _window_start(self) -> datetime:
        return timezone.now() - self.window

    def _refresh(self) -> None:
        start = self._window_start()
        in_window = ArticleEmbedding.objects.filter(published_at__gte=start)
        if not self.loaded:
            self._load(in_window)
            return
        if connection.vendor == "sqlite":
            self._load(in_window.extra(where=["rowid > %s"], params=[self.last_rowid]))
        ours = int((self.times[: len(self.ids)] >= start.timestamp()).sum())
        theirs = sum(1 for t in self.foreign.values() if t >= start.timestamp())
        if in_window.count() != ours + theirs:
            self._resync(in_window, start)

    def _resync(self, in_window, start: datetime) -> None:
        """Make our rows exactly the window's: drop what is gone or too old, load what is missing."""
        stored = set(in_window.values_list("article_id", flat=True))
        keep = [
            row
            for row, article_id in enumerate(self.ids)
            if article_id in stored and self.times[row] >= start.timestamp()
        ]
        self.ids = [self.ids[row] for row in keep]
        self.matrix = self.matrix[keep]
        self.times = self.times[keep]
        self.rows = {article_id: row for row, article_id in enumerate(self.ids)}
        self.foreign = {a: t for a, t in self.foreign.items() if a in stored}
        missing = stored - self.rows.keys() - self.foreign.keys()
        if missing:
            self._load(ArticleEmbedding.objects.filter(article_id__in=missing))

    def _load(self, queryset) -> None:
        columns = ["article_id", "model", "dimensions", "vector", "published_at"]
        if connection.vendor == "sqlite":
            queryset = queryset.extra(select={"row_number": "rowid"})
            columns.append("row_number")
        found = []
        for values in queryset.values(*columns).iterator(chunk_size=LOAD_CHUNK):
            self.last_rowid = max(self.last_rowid, values.get("row_number", 0))
            published = values["published_at"].timestamp()
            if values["model"] != self.model or values["dimensions"] != self.dimensions:
                self.foreign[values["article_id"]] = published
                continue
            vector = vector_from_bytes(values["vector"], self.dimensions)
            found.append((values["article_id"], vector, published))
        self.loaded = True
        for article_id, vector, published in found:
            self._put(article_id, vector, published)

    def _put(self, article_id: str, vector: np.ndarray, published: float) -> None:
        row = self.rows.get(article_id)
        if row is None:
            row = len(self.ids)
            if row == len(self.matrix):
                self._grow(max(256, 2 * row))
            self.ids.append(article_id)
            self.rows[article_id] = row
        self.matrix[row] = vector
        self.times[row] = published

    def _grow(self, capacity: int) -> None:
        """Amortised doubling, so appending one vector per article stays O(1)."""
        matrix = np.zeros((capacity, self.dimensions), dtype=np.float32)
        matrix[: len(self.ids)] = self.matrix[: len(self.ids)]
        times = np.zeros(capacity, dtype=np.float64)
        times[: len(self.ids)] = self.times[: len(self.ids)]
        self.matrix, self.times = matrix, times
