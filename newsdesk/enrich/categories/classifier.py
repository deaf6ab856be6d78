"""Which category an article belongs to, with a confidence, from its title and text.

The embedding half reads the article's stored vector (embedding_text: title and lead), so an
article is embedded once for search, stories and categories; the word half reads the title and
the first MAX_TEXT_CHARS of the body. The model's probabilities are multiplied by a prior for
the publisher's own section (a "sport" feed makes sports likelier without forcing it), and an
article no category convinces is general.
"""

import threading

import numpy as np

from newsdesk.enrich.categories.model import CategoryModel, shipped_model
from newsdesk.enrich.categories.pooling import InputPools
from newsdesk.models import Category

# Below this probability for its best category an article is "general". Held out, a headline's
# best guess under 0.3 was right one time in six or less; from 0.3 to 0.45 about two times in five,
# like the guesses already shown above the earlier 0.4 (docs/quality.md, session 9).
MIN_CONFIDENCE = 0.3
# How many times likelier the feed's own section makes its category.
SECTION_PRIOR_FACTOR = 4.0
# Body characters the word model reads: enough for full-article accuracy, bounded cost.
MAX_TEXT_CHARS = 2000


_own_embedder = None
_own_embedder_lock = threading.Lock()


def embedder_for(model: CategoryModel):
    """The process embedder when it is the one the weights were learnt on, else the default model.

    An operator may point embeddings at another model or an endpoint; categories still need
    MiniLM vectors, so they then load their own copy.
    """
    global _own_embedder
    from newsdesk.enrich.embeddings import OnnxEmbedder, default_model_files, get_embedder

    shared = get_embedder()
    if shared.name == model.embedder:
        return shared
    with _own_embedder_lock:
        if _own_embedder is None:
            _own_embedder = OnnxEmbedder(*default_model_files())
        return _own_embedder


def text_for_model(title: str, text: str = "") -> str:
    """What the word model reads: the title, then the start of the body (trained on exactly this)."""
    title, text = (title or "").strip(), (text or "").strip()[:MAX_TEXT_CHARS]
    return f"{title}\n\n{text}" if text else title


def decide(
    probabilities: np.ndarray, categories: tuple[str, ...], section_prior: str = ""
) -> tuple[str, float]:
    """The category and its probability after the section prior; general when none is likely enough."""
    if section_prior in categories:
        probabilities = probabilities.copy()
        probabilities[categories.index(section_prior)] *= SECTION_PRIOR_FACTOR
        probabilities /= probabilities.sum()
    best = int(np.argmax(probabilities))
    confidence = round(float(probabilities[best]), 4)
    if confidence < MIN_CONFIDENCE:
        return Category.GENERAL.value, confidence
    return categories[best], confidence


def log_evidence(
    items: list[tuple[str, str]],
    *,
    model: CategoryModel | None = None,
    vectors: np.ndarray | None = None,
) -> tuple[list[int], np.ndarray]:
    """The indexes of the items that have text, and the model's log-probabilities for each of them.

    This is an item's own evidence, before any story pooling and section prior: what the pipeline
    keeps on the article so that later members of its story can pool with it (assign.py).
    `vectors` as in classify_many.
    """
    filled, _, probabilities = _probabilities(items, model or shipped_model(), vectors)
    return filled, _log(probabilities)


def classify_many(
    items: list[tuple[str, str]],
    *,
    section_priors: list[str] | None = None,
    model: CategoryModel | None = None,
    vectors: np.ndarray | None = None,
    pool: InputPools | None = None,
) -> list[tuple[str, float]]:
    """(category, confidence) for each (title, text); one embedding batch for all of them.

    An item with neither title nor text is general with confidence 0. `vectors` (one row per
    item) are embeddings the caller already has of embedding_text(title, text), made by the
    embedder the weights were learnt on (model.embedder); without them the items are embedded here.
    With `pool` (one per input, fed batch after batch), each item's evidence is pooled with that of
    its story's other items in this batch and the earlier ones, headlines and items with text
    apart (see pooling.py).
    """
    model = model or shipped_model()
    priors = section_priors or [""] * len(items)
    results: list[tuple[str, float]] = [(Category.GENERAL.value, 0.0)] * len(items)
    filled, vectors, probabilities = _probabilities(items, model, vectors)
    if not filled:
        return results
    if pool is not None:
        titles = [items[i][0] or text_for_model(*items[i]) for i in filled]
        probabilities = pool.pool(titles, vectors, _log(probabilities), _titles_only(items, filled))
    for row, index in enumerate(filled):
        results[index] = decide(probabilities[row], model.categories, priors[index])
    return results


def _probabilities(
    items: list[tuple[str, str]], model: CategoryModel, vectors: np.ndarray | None
) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Indexes of the items with text, their vectors and the model's probabilities (one row each)."""
    from newsdesk.enrich.embeddings import embedding_text

    texts = [text_for_model(title, text) for title, text in items]
    filled = [i for i, text in enumerate(texts) if text]
    if not filled:
        return filled, np.zeros((0, 0), dtype=np.float32), np.zeros((0, len(model.categories)))
    if vectors is None:
        vectors = embedder_for(model).embed([embedding_text(*items[i]) for i in filled])
    else:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(items), -1)[filled]
    probabilities = model.probabilities([texts[i] for i in filled], vectors, _titles_only(items, filled))
    return filled, vectors, probabilities


def _titles_only(items: list[tuple[str, str]], filled: list[int]) -> np.ndarray:
    """Which of the `filled` items are a bare headline, with no body text."""
    return np.array([not (items[i][1] or "").strip() for i in filled])


def _log(probabilities: np.ndarray) -> np.ndarray:
    return np.log(np.maximum(probabilities, np.finfo(np.float64).tiny))


def classify(title: str, text: str = "", *, section_prior: str = "") -> tuple[str, float]:
    """(category, confidence in [0, 1]) for one article or headline.

    `section_prior` is a category the publisher's section names (see sections.section_prior).
    """
    return classify_many([(title, text)], section_priors=[section_prior])[0]
