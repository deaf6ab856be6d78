from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; any implementation can stand in."""

    name: str
    dimensions: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class EmbeddingError(RuntimeError):
    """The embedder could not turn texts into vectors (endpoint down, bad reply, bad model file)."""


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, so a dot product is the cosine."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)
