"""A story brief across publishers: what every source reports, and what only some do.

A sentence of one source counts as reported by another when most of its weighted
vocabulary appears in one of the other's sentences (TF-IDF over all the story's sentences).
Only sentences of the articles themselves are shown, each naming its sources.
"""

import math
from collections import Counter
from dataclasses import dataclass

from newsdesk.ai.extractive import cosine, unit_vector
from newsdesk.ai.text import Sentence, content_terms

# Two sentences report the same thing above this cosine.
SAME_CLAIM = 0.45
# Sentences this far into an article are background more often than news.
LEAD_SENTENCES = 12
AGREED_LIMIT = 3
PARTIAL_LIMIT = 4


@dataclass(frozen=True)
class BriefArticle:
    article_id: str
    source: str
    title: str
    sentences: list[Sentence]


@dataclass
class _Claim:
    article: BriefArticle
    sentence: Sentence
    vector: dict[str, float]
    sources: set[str]


def story_brief(articles: list[BriefArticle]) -> dict:
    """{"sources", "agreed": [...], "partial": [...]}; each item quotes one sentence and names sources."""
    articles = [a for a in articles if a.sentences]
    sources = sorted({a.source for a in articles})
    claims = _claims(articles)
    for claim in claims:
        claim.sources = {claim.article.source} | {
            other.article.source
            for other in claims
            if other.article.source != claim.article.source
            and cosine(claim.vector, other.vector) >= SAME_CLAIM
        }
    # Widely reported first, then earlier in its article.
    claims.sort(key=lambda c: (-len(c.sources), c.sentence.position, c.article.source))
    agreed: list[_Claim] = []
    partial: list[_Claim] = []
    for claim in claims:
        everyone = len(sources) > 1 and claim.sources == set(sources)
        bucket, limit = (agreed, AGREED_LIMIT) if everyone else (partial, PARTIAL_LIMIT)
        if len(bucket) >= limit:
            continue
        if any(cosine(claim.vector, kept.vector) >= SAME_CLAIM for kept in agreed + partial):
            continue
        bucket.append(claim)
    return {
        "sources": sources,
        "agreed": [_item(c) for c in agreed],
        "partial": [_item(c) for c in partial],
    }


def _claims(articles: list[BriefArticle]) -> list[_Claim]:
    leads = [(a, s) for a in articles for s in a.sentences[:LEAD_SENTENCES]]
    terms = [content_terms(s.text) for _, s in leads]
    frequency = Counter(t for ts in terms for t in set(ts))
    idf = {t: math.log((len(leads) + 1) / (df + 0.5)) for t, df in frequency.items()}
    return [
        _Claim(article, sentence, unit_vector(Counter(ts), idf), set())
        for (article, sentence), ts in zip(leads, terms, strict=True)
        if ts
    ]


def _item(claim: _Claim) -> dict:
    return {
        "text": claim.sentence.text,
        "paragraph": claim.sentence.paragraph,
        "article_id": claim.article.article_id,
        "source": claim.article.source,
        "sources": sorted(claim.sources),
        "also": sorted(claim.sources - {claim.article.source}),
    }
