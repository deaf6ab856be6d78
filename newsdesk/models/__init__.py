"""All of newsdesk's tables, one module per concern (Zulip's `zerver/models/` layout)."""

from newsdesk.models.ai import AIResult
from newsdesk.models.articles import (
    Article,
    ArticleEmbedding,
    ArticleHashtag,
    ArticleRedirect,
    Category,
    ExtractionState,
    Hashtag,
    RelatedArticle,
    Story,
    StoryRedirect,
)
from newsdesk.models.readers import (
    BannedWord,
    Comment,
    CommentReport,
    Follow,
    ModerationAction,
    ReaderProfile,
    SavedArticle,
)
from newsdesk.models.sources import Feed, FetchFailure, Source

__all__ = [
    "AIResult",
    "Article",
    "ArticleEmbedding",
    "ArticleHashtag",
    "ArticleRedirect",
    "BannedWord",
    "Category",
    "Comment",
    "CommentReport",
    "ExtractionState",
    "Feed",
    "FetchFailure",
    "Follow",
    "Hashtag",
    "ModerationAction",
    "ReaderProfile",
    "RelatedArticle",
    "SavedArticle",
    "Source",
    "Story",
    "StoryRedirect",
]
