"""An article's category as the pipeline stores it: operators' choices first, then the classifier."""

import logging
from urllib.parse import urlsplit

import numpy as np

from newsdesk.enrich.categories.classifier import classify_many
from newsdesk.enrich.categories.model import shipped_model
from newsdesk.enrich.categories.sections import section_prior
from newsdesk.models import Article, Category

log = logging.getLogger(__name__)

# An operator's choice is certain.
OVERRIDE_CONFIDENCE = 1.0


def article_category(article: Article, vector: np.ndarray | None = None) -> tuple[str, float] | None:
    """(category, confidence) for `article`, or None when an operator locked its category.

    `vector` is the article's stored embedding (embed_article: embedding_text of title, text and
    description), reused so the article is not embedded twice; None embeds that same text here.
    """
    if article.category_locked:
        return None
    feed = article.feed
    if feed is not None and feed.category_override:
        if feed.category_override in Category.values:
            return feed.category_override, OVERRIDE_CONFIDENCE
        log.warning("feed %s has an unknown category override %r; ignored", feed.id, feed.category_override)
    url_section = urlsplit(article.url).path.strip("/").split("/")[0]
    prior = section_prior(feed.section if feed else "", *article.tags, url_section)
    text = article.text or article.description
    if vector is not None:
        vector = usable_vector(vector)
    vectors = None if vector is None else vector[np.newaxis]
    return classify_many([(article.title, text)], section_priors=[prior], vectors=vectors)[0]


def usable_vector(vector: np.ndarray) -> np.ndarray | None:
    """The vector, if it comes from the embedder the weights were learnt on (else None: re-embed).

    An operator may point embeddings at another model; its vectors mean nothing to these weights.
    """
    from newsdesk.enrich.embeddings import get_embedder

    model = shipped_model()
    vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    if get_embedder().name != model.embedder or vector.shape[0] != model.embedding.weights.shape[0] - 1:
        return None
    return vector
