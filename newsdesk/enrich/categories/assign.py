"""An article's category as the pipeline stores it: operators' choices first, then the classifier.

The classifier's own evidence (log-probabilities before the section prior) is kept on the article,
so that when an article joins a story its category can be decided from its evidence pooled with its
story's (pooling.py): an aggregator lists a whole story under one category.
"""

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np

from newsdesk.enrich.categories.classifier import decide, log_evidence
from newsdesk.enrich.categories.model import shipped_model
from newsdesk.enrich.categories.pooling import POOL_WEIGHT, toward_story
from newsdesk.enrich.categories.sections import section_prior
from newsdesk.models import Article, Category

log = logging.getLogger(__name__)

# An operator's choice is certain.
OVERRIDE_CONFIDENCE = 1.0
# Story members whose evidence an article pools with: the newest ones, so one bounded query
# (held out by story this bound also did better than all members: docs/quality.md, Categories).
STORY_MEMBERS_POOLED = 50
# How evidence is stored: one little-endian float32 log-probability per category of the model.
EVIDENCE_DTYPE = np.dtype("<f4")


def categorize_article(
    article: Article, vector: np.ndarray | None = None
) -> tuple[tuple[str, float] | None, bytes | None]:
    """(category, confidence) for `article`, or None when an operator locked its category; and the
    article's own evidence to store (packed).

    `vector` is the article's stored embedding (embed_article: embedding_text of title, text and
    description), reused so the article is not embedded twice; None embeds that same text here.
    The evidence is None when an operator decides (locked, feed override) or there is nothing to
    read: such an article keeps what it has and is never pooled.
    """
    if article.category_locked:
        return None, None
    override = feed_override(article)
    if override is not None:
        return (override, OVERRIDE_CONFIDENCE), None
    text = article.text or article.description
    if vector is not None:
        vector = usable_vector(vector)
    vectors = None if vector is None else vector[np.newaxis]
    model = shipped_model()
    filled, log_p = log_evidence([(article.title, text)], model=model, vectors=vectors)
    if not filled:
        return (Category.GENERAL.value, 0.0), None
    return decide(np.exp(log_p[0]), model.categories, article_prior(article)), pack_evidence(log_p[0])


# What deciding a member again reads: its evidence, what an operator set, and its section prior.
MEMBER_FIELDS = (
    "id",
    "url",
    "tags",
    "category",
    "category_confidence",
    "category_locked",
    "category_evidence",
    "feed__section",
    "feed__category_override",
)


@dataclass
class StoryDecisions:
    """What pooling with its story decides: the joining article's category, and the members whose
    category changes now that the story has grown (id -> (category, confidence))."""

    article: tuple[str, float]
    members: dict[str, tuple[str, float]] = field(default_factory=dict)


def story_category(article: Article, story_id: int, weight: float = POOL_WEIGHT) -> StoryDecisions | None:
    """The article's (category, confidence) from its stored evidence pooled with its story's
    members', and the same pool's decision for each of those members.

    The pool is the article's evidence and that of the newest STORY_MEMBERS_POOLED other members
    (one query). Each member is decided again from its own evidence and this pool, with its own
    section prior, so a story's first articles follow what its later ones say (held out: 0.818 →
    0.838 on headlines, docs/quality.md). None, leaving every article as it is, when an operator
    decides the joining article's category, when it has no evidence, or when no other member has
    any. Members an operator decides keep their category; their evidence still counts.
    """
    if article.category_locked or feed_override(article) is not None:
        return None
    model = shipped_model()
    own = unpack_evidence(article.category_evidence, len(model.categories))
    if own is None:
        return None
    stored = (
        Article.objects.filter(story_id=story_id, category_evidence__isnull=False)
        .exclude(id=article.id)
        .select_related("feed")
        .only(*MEMBER_FIELDS)
        .order_by("-published_at")[:STORY_MEMBERS_POOLED]
    )
    members = []
    for member in stored:
        evidence = unpack_evidence(member.category_evidence, len(model.categories))
        if evidence is not None:
            members.append((member, evidence))
    if not members:
        return None
    pool = np.array([own, *(evidence for _, evidence in members)])
    pooled = toward_story(pool, pool, weight)  # row 0 the article's, then each member's
    decisions = StoryDecisions(decide(pooled[0], model.categories, article_prior(article)))
    for (member, _), probabilities in zip(members, pooled[1:], strict=True):
        if member.category_locked or feed_override(member) is not None:
            continue
        decision = decide(probabilities, model.categories, article_prior(member))
        if decision != (member.category, member.category_confidence):
            decisions.members[member.id] = decision
    return decisions


def feed_override(article: Article) -> str | None:
    """The category the article's feed imposes on all its articles, if a valid one is set."""
    feed = article.feed
    if feed is None or not feed.category_override:
        return None
    if feed.category_override in Category.values:
        return feed.category_override
    log.warning("feed %s has an unknown category override %r; ignored", feed.id, feed.category_override)
    return None


def article_prior(article: Article) -> str:
    """The category the publisher's section names: the feed's section, else its tags, else the URL."""
    feed = article.feed
    url_section = urlsplit(article.url).path.strip("/").split("/")[0]
    return section_prior(feed.section if feed else "", *article.tags, url_section)


def pack_evidence(log_probabilities: np.ndarray) -> bytes:
    """Compact storage: 4 bytes per category (float32 is far finer than the decisions need)."""
    return np.asarray(log_probabilities, dtype=EVIDENCE_DTYPE).tobytes()


def unpack_evidence(raw: bytes | memoryview | None, categories: int) -> np.ndarray | None:
    """The stored log-probabilities, or None when absent or written for another set of categories."""
    if raw is None or len(raw) != categories * EVIDENCE_DTYPE.itemsize:
        return None
    return np.frombuffer(bytes(raw), dtype=EVIDENCE_DTYPE).astype(np.float64)


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
