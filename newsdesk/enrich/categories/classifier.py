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
from newsdesk.enrich.categories.pooling import StoryPool
from newsdesk.models import Category

# Below this probability for its best category an article is "general".
MIN_CONFIDENCE = 0.4
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


def classify_many(
    items: list[tuple[str, str]],
    *,
    section_priors: list[str] | None = None,
    model: CategoryModel | None = None,
    vectors: np.ndarray | None = None,
    pool: StoryPool | None = None,
) -> list[tuple[str, float]]:
    """(category, confidence) for each (title, text); one embedding batch for all of them.

    An item with neither title nor text is general with confidence 0. `vectors` (one row per
    item) are embeddings the caller already has of embedding_text(title, text), made by the
    embedder the weights were learnt on (model.embedder); without them the items are embedded here.
    With a `pool` (one per stream of batches), each item's evidence is pooled with that of its
    story's other items in this batch and the earlier ones (see pooling.py).
    """
    from newsdesk.enrich.embeddings import embedding_text

    model = model or shipped_model()
    priors = section_priors or [""] * len(items)
    texts = [text_for_model(title, text) for title, text in items]
    filled = [i for i, text in enumerate(texts) if text]
    results: list[tuple[str, float]] = [(Category.GENERAL.value, 0.0)] * len(items)
    if not filled:
        return results
    if vectors is None:
        vectors = embedder_for(model).embed([embedding_text(*items[i]) for i in filled])
    else:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(items), -1)[filled]
    titles_only = np.array([not (items[i][1] or "").strip() for i in filled])
    probabilities = model.probabilities([texts[i] for i in filled], vectors, titles_only)
    if pool is not None:
        log_p = np.log(np.maximum(probabilities, np.finfo(np.float64).tiny))
        probabilities = pool.pool([items[i][0] or texts[i] for i in filled], vectors, log_p)
    for row, index in enumerate(filled):
        results[index] = decide(probabilities[row], model.categories, priors[index])
    return results


def classify(title: str, text: str = "", *, section_prior: str = "") -> tuple[str, float]:
    """(category, confidence in [0, 1]) for one article or headline.

    `section_prior` is a category the publisher's section names (see sections.section_prior).
    """
    return classify_many([(title, text)], section_priors=[section_prior])[0]
