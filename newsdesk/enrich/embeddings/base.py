from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; any implementation can stand in."""

    name: str
    dimensions: int

    def embed(self, texts: list[str]) -> np.ndarray: ...
