"""An OpenAI-compatible embeddings endpoint (OpenAI, Ollama, llama.cpp, vLLM, TEI...).

Speaks the common subset: POST {base}/embeddings with {"model", "input": [texts]},
reply {"data": [{"index", "embedding": [floats]}]}.
"""

import httpx
import numpy as np

from newsdesk.enrich.embeddings.base import EmbeddingError, normalise

# Texts per request: big enough to amortise the round trip, small enough for any server's limit.
REQUEST_BATCH = 64
# Servers answer errors with long HTML pages; the first part says enough.
ERROR_EXCERPT = 300


class RemoteEmbedder:
    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "",
        timeout: float = 30.0,
        dimensions: int = 0,
        transport: httpx.BaseTransport | None = None,
    ):
        if not base_url.startswith(("http://", "https://")):
            raise EmbeddingError(f"embedding URL must start with http:// or https://, got {base_url!r}")
        self.endpoint = base_url.rstrip("/") + "/embeddings"
        self.model = model
        self.name = f"remote:{model}"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
        )
        self._dimensions = dimensions

    @property
    def dimensions(self) -> int:
        """Asked of the server once when not configured: a model's size is not in the protocol."""
        if not self._dimensions:
            self._dimensions = int(self.embed(["dimension probe"]).shape[1])
        return self._dimensions

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dimensions), dtype=np.float32)
        parts = [self._request(texts[i : i + REQUEST_BATCH]) for i in range(0, len(texts), REQUEST_BATCH)]
        vectors = np.vstack(parts)
        if self._dimensions and vectors.shape[1] != self._dimensions:
            raise EmbeddingError(
                f"{self.endpoint} returned {vectors.shape[1]}-dimensional vectors, "
                f"expected {self._dimensions}"
            )
        self._dimensions = vectors.shape[1]
        return vectors

    def _request(self, texts: list[str]) -> np.ndarray:
        payload = {"model": self.model, "input": [t or " " for t in texts]}
        try:
            response = self.client.post(self.endpoint, json=payload)
        except httpx.TimeoutException as error:
            raise EmbeddingError(f"{self.endpoint} timed out ({type(error).__name__})") from error
        except httpx.HTTPError as error:
            raise EmbeddingError(f"{self.endpoint} unreachable: {error}") from error
        if response.status_code != 200:
            excerpt = response.text[:ERROR_EXCERPT].strip()
            raise EmbeddingError(f"{self.endpoint} answered HTTP {response.status_code}: {excerpt}")
        try:
            return _parse_reply(response.json(), len(texts))
        except ValueError as error:
            raise EmbeddingError(f"{self.endpoint} sent a malformed reply: {error}") from error

    def close(self) -> None:
        self.client.close()


def _parse_reply(reply: object, expected: int) -> np.ndarray:
    """The vectors in input order; ValueError says what is wrong with the reply."""
    if not isinstance(reply, dict) or not isinstance(reply.get("data"), list):
        raise ValueError("no 'data' list")
    items = reply["data"]
    if len(items) != expected:
        raise ValueError(f"{len(items)} embeddings for {expected} inputs")
    rows: list[tuple[int, list]] = []
    for position, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("embedding"), list):
            raise ValueError(f"item {position} has no 'embedding' list")
        index = item.get("index", position)
        if not isinstance(index, int):
            raise ValueError(f"item {position} has a non-integer index")
        rows.append((index, item["embedding"]))
    rows.sort(key=lambda row: row[0])
    if [index for index, _ in rows] != list(range(expected)):
        raise ValueError("indexes do not cover the inputs")
    try:
        vectors = np.array([embedding for _, embedding in rows], dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise ValueError("embeddings are not equal-length lists of numbers") from error
    if vectors.ndim != 2 or vectors.shape[1] == 0 or not np.isfinite(vectors).all():
        raise ValueError("embeddings are not equal-length lists of finite numbers")
    return normalise(vectors)
