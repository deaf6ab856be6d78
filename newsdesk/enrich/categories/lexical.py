"""The word model beside the embedding model: TF-IDF of words and word pairs, then a linear softmax.

Embeddings read only the first ~256 tokens and blur names; words over the whole article are
what make full-article accuracy (measured in docs/quality.md). The transform repeats
scikit-learn's TfidfVectorizer (lower-case, tokens of 2+ word characters, 1-2 grams, sublinear
tf, l2 norm) so weights learnt there work here with numpy alone.
"""

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def ngrams(text: str) -> list[str]:
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class LexicalModel:
    vocabulary: dict[str, int]
    idf: np.ndarray
    # (vocabulary + 1, categories): the last row is the bias.
    weights: np.ndarray

    def log_probabilities(self, texts: list[str]) -> np.ndarray:
        logits = np.tile(self.weights[-1].astype(np.float64), (len(texts), 1))
        for row, text in enumerate(texts):
            counts = Counter(gram for gram in ngrams(text) if gram in self.vocabulary)
            if not counts:
                continue
            columns = np.array([self.vocabulary[gram] for gram in counts])
            values = (1.0 + np.log(np.array(list(counts.values()), dtype=np.float64))) * self.idf[columns]
            values /= np.linalg.norm(values)
            logits[row] += values @ self.weights[columns]
        logits -= logits.max(axis=1, keepdims=True)
        return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
