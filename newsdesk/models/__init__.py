"""All of newsdesk's tables, one module per concern (Zulip's `zerver/models/` layout)."""

from newsdesk.models.articles import Article, ArticleHashtag, Category, ExtractionState, Hashtag
from newsdesk.models.sources import Feed, FetchFailure, Source

__all__ = [
    "Article",
    "ArticleHashtag",
    "Category",
    "ExtractionState",
    "Feed",
    "FetchFailure",
    "Hashtag",
    "Source",
]
