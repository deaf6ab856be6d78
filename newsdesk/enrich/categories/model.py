"""The category model: a linear softmax over MiniLM sentence embeddings, joined with a word model.

The two models' log-probabilities are added (the word model's scaled by a share) and
renormalised. The share differs for a bare title and for a title with body text: a handful of
words is a weaker signal than an article's, and the embedding generalises better from it.
Weights are learnt by train.py and shipped as weights.npz: derived numbers only, no text from
the data sets beyond a vocabulary of words and word pairs.

Training uses partial labels: an example may accept several categories (an aggregator's "t" is
technology or science), and its loss is -log of their summed probability.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from newsdesk.enrich.categories.lexical import LexicalModel

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights.npz"


@dataclass(frozen=True)
class LinearModel:
    categories: tuple[str, ...]
    # (dimensions + 1, categories): the last row is the bias.
    weights: np.ndarray

    def log_probabilities(self, vectors: np.ndarray) -> np.ndarray:
        logits = vectors @ self.weights[:-1] + self.weights[-1]
        logits -= logits.max(axis=1, keepdims=True)
        return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class CategoryModel:
    embedding: LinearModel
    lexical: LexicalModel | None
    # The word model's share for items with body text, and for bare titles.
    lexical_share: float
    lexical_share_title: float
    # Which embedder the embedding weights were learnt on; another one's vectors mean nothing here.
    embedder: str

    @property
    def categories(self) -> tuple[str, ...]:
        return self.embedding.categories

    def probabilities(
        self, texts: list[str], vectors: np.ndarray, titles_only: np.ndarray | None = None
    ) -> np.ndarray:
        """Category probabilities per item; `titles_only` marks items without body text."""
        log_p = self.embedding.log_probabilities(vectors)
        if self.lexical is not None:
            share = np.full(len(texts), self.lexical_share)
            if titles_only is not None:
                share[np.asarray(titles_only, dtype=bool)] = self.lexical_share_title
            if share.any():
                log_p = log_p + share[:, None] * self.lexical.log_probabilities(texts)
        return probabilities_from_log(log_p)

    def save(self, path: Path, **metadata) -> None:
        arrays = {
            "categories": np.array(self.categories),
            "embedding_weights": self.embedding.weights.astype(np.float32),
            "lexical_share": np.array(self.lexical_share),
            "lexical_share_title": np.array(self.lexical_share_title),
            "embedder": np.array(self.embedder),
        }
        if self.lexical is not None:
            vocabulary = sorted(self.lexical.vocabulary, key=self.lexical.vocabulary.get)
            arrays |= {
                "lexical_vocabulary": np.array(vocabulary),
                "lexical_idf": self.lexical.idf.astype(np.float32),
                "lexical_weights": self.lexical.weights.astype(np.float32),
            }
        np.savez_compressed(path, **arrays, **{key: np.array(value) for key, value in metadata.items()})


def probabilities_from_log(log_p: np.ndarray) -> np.ndarray:
    """Rows of (unnormalised) log-probabilities as probabilities summing to 1, without overflow."""
    log_p = log_p - log_p.max(axis=1, keepdims=True)
    p = np.exp(log_p)
    return p / p.sum(axis=1, keepdims=True)


def load_model(path: Path = WEIGHTS_PATH) -> CategoryModel:
    with np.load(path) as data:
        categories = tuple(str(c) for c in data["categories"])
        lexical = None
        if "lexical_vocabulary" in data:
            vocabulary = {str(gram): i for i, gram in enumerate(data["lexical_vocabulary"])}
            lexical = LexicalModel(
                vocabulary, data["lexical_idf"].astype(np.float64), data["lexical_weights"]
            )
        return CategoryModel(
            LinearModel(categories, data["embedding_weights"]),
            lexical,
            float(data["lexical_share"]),
            float(data["lexical_share_title"]),
            str(data["embedder"]),
        )


@cache
def shipped_model() -> CategoryModel:
    return load_model()


def fit_partial_labels(
    vectors: np.ndarray,
    accepted: np.ndarray,
    sample_weights: np.ndarray,
    categories: tuple[str, ...],
    *,
    l2: float = 1e-4,
    steps: int = 1000,
    learning_rate: float = 0.05,
) -> LinearModel:
    """Softmax regression with partial labels by full-batch Adam; deterministic (starts at zero).

    `accepted` is a boolean (examples, categories) matrix: the answers counted right per example.
    """
    x = np.hstack([vectors, np.ones((len(vectors), 1), dtype=vectors.dtype)]).astype(np.float64)
    weights = np.zeros((x.shape[1], len(categories)))
    sample_weights = sample_weights / sample_weights.sum()
    first_moment = np.zeros_like(weights)
    second_moment = np.zeros_like(weights)
    penalised = np.ones_like(weights)
    penalised[-1] = 0.0
    for step in range(1, steps + 1):
        logits = x @ weights
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        # The target is the model's own belief restricted to the accepted answers.
        target = p * accepted
        target /= target.sum(axis=1, keepdims=True)
        gradient = x.T @ ((p - target) * sample_weights[:, None]) + l2 * weights * penalised
        first_moment = 0.9 * first_moment + 0.1 * gradient
        second_moment = 0.999 * second_moment + 0.001 * gradient**2
        corrected_first = first_moment / (1 - 0.9**step)
        corrected_second = second_moment / (1 - 0.999**step)
        weights -= learning_rate * corrected_first / (np.sqrt(corrected_second) + 1e-8)
    return LinearModel(categories, weights.astype(np.float32))
