"""An article's category as the pipeline stores it: operators' choices first, then the classifier."""

import logging
from urllib.parse import urlsplit

from newsdesk.enrich.categories.classifier import classify
from newsdesk.enrich.categories.sections import section_prior
from newsdesk.models import Article, Category

log = logging.getLogger(__name__)

# An operator's choice is certain.
OVERRIDE_CONFIDENCE = 1.0


def article_category(article: Article) -> tuple[str, float] | None:
    """(category, confidence) for `article`, or None when an operator locked its category."""
    if article.category_locked:
        return None
    feed = article.feed
    if feed is not None and feed.category_override:
        if feed.category_override in Category.values:
            return feed.category_override, OVERRIDE_CONFIDENCE
        log.warning("feed %s has an unknown category override %r; ignored", feed.id, feed.category_override)
    url_section = urlsplit(article.url).path.strip("/").split("/")[0]
    prior = section_prior(feed.section if feed else "", *article.tags, url_section)
    return classify(article.title, article.text or article.description, section_prior=prior)
